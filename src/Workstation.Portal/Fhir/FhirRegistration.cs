namespace Workstation.Portal.Fhir;

/// <summary>The FHIR feature registers itself: Hosting calls <see cref="AddFhir"/> and <see cref="MapFhir"/>.</summary>
internal static class FhirRegistration
{
    public static IServiceCollection AddFhir(this IServiceCollection services)
    {
        services.AddTransient<FhirReports>();
        return services;
    }

    public static IEndpointRouteBuilder MapFhir(this IEndpointRouteBuilder app) => app.MapFhirEndpoints();
}
