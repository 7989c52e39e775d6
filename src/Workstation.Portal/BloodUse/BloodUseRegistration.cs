using Microsoft.Extensions.Http.Resilience;
using Polly;
using Microsoft.Extensions.Options;
using Refit;
using Serilog.Core;

namespace Workstation.Portal.BloodUse;

/// <summary>The blood-use fee reduction feature (seed 001): options, accounts and tokens, the HIS client, CORS for
/// the reduction system's client origins, and the log redaction of its query strings.</summary>
internal static class BloodUseRegistration
{
    public const string CorsPolicy = "blood-use";

    public static IServiceCollection AddBloodUse(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<BloodUseOptions>().Bind(configuration.GetSection(BloodUseOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<BloodUseAccounts>();
        services.AddTransient<BloodUseLookup>();
        services.AddSingleton<ILogEventEnricher, QueryStringRedaction>();
        services.Configure<Microsoft.AspNetCore.OpenApi.OpenApiOptions>("v1", BloodUseOpenApi.Configure);
        // Explicit origins only: '*' with credentials is refused by browsers and would let any web site call (docs/blood-use.md).
        var origins = configuration.GetSection(BloodUseOptions.Section).Get<BloodUseOptions>()?.AllowedOrigins.ToArray() ?? [];
        services.AddCors(o => o.AddPolicy(CorsPolicy, p => p.WithOrigins(origins).WithMethods(HttpMethods.Get).AllowAnyHeader().AllowCredentials()
            .SetPreflightMaxAge(TimeSpan.FromHours(1))));
        services.AddRefitGeneratedClient<IHisInpatientApi>()
            .ConfigureHttpClient((sp, client) =>
            {
                client.BaseAddress = sp.GetRequiredService<IOptions<BloodUseOptions>>().Value.HisBaseUrl ?? new Uri("http://his.invalid/");
                client.Timeout = Timeout.InfiniteTimeSpan;
            })
            // The operator of the reduction system asks again; the client only bounds each lookup.
            .AddResilienceHandler("his-inpatients", (b, context) =>
                b.AddTimeout(context.ServiceProvider.GetRequiredService<IOptions<BloodUseOptions>>().Value.HisTimeout));
        return services;
    }

    /// <summary>The feature's endpoints.</summary>
    public static IEndpointRouteBuilder MapBloodUse(this IEndpointRouteBuilder app) => app.MapBloodUseEndpoints();
}
