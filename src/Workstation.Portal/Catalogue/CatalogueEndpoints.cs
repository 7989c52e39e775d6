using Workstation.Platform.Catalogue;
using Workstation.Portal.Hosting;

namespace Workstation.Portal.Catalogue;

internal static class CatalogueEndpoints
{
    /// <summary>The recognition item catalogue for HIS, so HIS can map its order items to recognition codes.</summary>
    internal static IEndpointRouteBuilder MapCatalogueEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").RequireAuthorization(HisApiKeyHandler.Policy).WithTags("Catalogue");
        api.MapGet("/catalogue", (RecognitionItemCatalogue catalogue, string? kind) =>
                kind is null or "lab" or "exam"
                    ? Results.Ok(catalogue.Items.Where(i => kind is null || i.Kind == kind))
                    : Results.Problem(statusCode: 400, title: "Unknown kind", detail: "kind must be 'lab' or 'exam'."))
            .WithName("GetCatalogue")
            .WithSummary("Recognition item catalogue")
            .WithDescription("Every item the platform recognises, with its validity window in days and price. Optional filter kind=lab|exam.")
            .Produces<IEnumerable<RecognitionItem>>()
            .ProducesProblem(400)
            .ProducesProblem(401);
        return app;
    }
}
