using Workstation.Platform.Catalogue;

namespace Workstation.Portal.Catalogue;

/// <summary>The catalogue feature registers itself; Hosting calls <see cref="AddCatalogue"/> and
/// <see cref="CatalogueEndpoints.MapCatalogueEndpoints"/>.</summary>
internal static class CatalogueRegistration
{
    /// <summary>The recognition item catalogue shipped with the platform client, loaded once at start.</summary>
    public static IServiceCollection AddCatalogue(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(RecognitionItemCatalogue.LoadDefault());
        return services;
    }

    /// <summary>The feature's endpoints.</summary>
    public static IEndpointRouteBuilder MapCatalogue(this IEndpointRouteBuilder app) => app.MapCatalogueEndpoints();
}
