using Workstation.Sandbox;

namespace Workstation.Portal.Demo;

/// <summary>The demo: in-process simulators (section <c>Sandbox</c>), demo staff accounts and review history (section
/// <c>Demo</c>), and the banner that wires the simulators to the portal and prints the URLs. It depends on the features it
/// fills; no feature depends on it. Hosting calls <see cref="AddDemo"/> and, after start, <see cref="StartDemo"/>.</summary>
internal static class DemoRegistration
{
    public static IServiceCollection AddDemo(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DemoOptions>().Bind(configuration.GetSection(DemoOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SandboxOptions>().Bind(configuration.GetSection(SandboxOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<SandboxRuntime>();
        if (configuration.GetValue<bool>($"{SandboxOptions.Section}:{nameof(SandboxOptions.Enabled)}"))
            services.AddHostedService<SandboxHostedService>();
        services.AddHostedService<DemoAccountSeeder>();
        services.AddTransient<ReviewDemoGenerator>();
        services.AddHostedService<ReviewDemoSeeder>();
        services.AddSingleton<DemoBanner>();
        return services;
    }

    /// <summary>Tells the demo HIS and LIS where the started portal listens and prints the demo's URLs.</summary>
    public static void StartDemo(this WebApplication app) => app.Services.GetRequiredService<DemoBanner>().Print(app);
}
