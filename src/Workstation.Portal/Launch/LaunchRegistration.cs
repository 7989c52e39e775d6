namespace Workstation.Portal.Launch;

/// <summary>The launch feature registers itself; Hosting calls <see cref="AddLaunch"/> and
/// <see cref="LaunchEndpoints.MapLaunchEndpoints"/>.</summary>
internal static class LaunchRegistration
{
    /// <summary>Signed launch URLs and one-time codes (section <c>Launch</c>) and the doctor's session per circuit.</summary>
    public static IServiceCollection AddLaunch(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<LaunchOptions>().Bind(configuration.GetSection(LaunchOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<LaunchService>();
        services.AddScoped<DoctorSession>();
        services.AddScoped<ILaunchSession>(sp => sp.GetRequiredService<DoctorSession>());
        return services;
    }

    /// <summary>The feature's endpoints.</summary>
    public static IEndpointRouteBuilder MapLaunch(this IEndpointRouteBuilder app) => app.MapLaunchEndpoints();
}
