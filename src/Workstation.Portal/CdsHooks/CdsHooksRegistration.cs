namespace Workstation.Portal.CdsHooks;

/// <summary>The CDS Hooks feature registers itself: Hosting calls <see cref="AddCdsHooks"/> and <see cref="MapCdsHooks"/>.</summary>
internal static class CdsHooksRegistration
{
    public static IServiceCollection AddCdsHooks(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CdsHooksOptions>().Bind(configuration.GetSection(CdsHooksOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart(); // IValidatableObject included: every problem names its key
        services.AddHttpClient(JwksCache.HttpClientName).ConfigureHttpClient(c => c.Timeout = TimeSpan.FromSeconds(10));
        services.AddHttpClient(CdsHookHandler.FhirHttpClientName).ConfigureHttpClient(c => c.Timeout = TimeSpan.FromSeconds(10));
        services.Configure<Microsoft.AspNetCore.OpenApi.OpenApiOptions>("v1", CdsHooksOpenApi.Configure);
        services.AddSingleton<JwksCache>();
        services.AddSingleton<CdsSignatureCrypto>();
        services.AddSingleton<CdsClientAuthenticator>();
        services.AddTransient<CdsHookHandler>();
        services.AddTransient<CdsFeedbackHandler>();
        return services;
    }

    public static IEndpointRouteBuilder MapCdsHooks(this IEndpointRouteBuilder app)
    {
        // Made once the portal has started (its options validated with all the others), so that the start log says who
        // checks ES384 signatures, not the first EHR call.
        var services = app.ServiceProvider;
        services.GetRequiredService<IHostApplicationLifetime>().ApplicationStarted.Register(() => services.GetRequiredService<CdsSignatureCrypto>());
        return app.MapCdsHooksEndpoints().MapCdsCardLinks();
    }
}
