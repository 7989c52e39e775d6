using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Workstation.Platform;
using Workstation.Platform.Catalogue;
using Workstation.Sandbox.Demo;

namespace Workstation.Sandbox.His;

/// <summary>A draft order line as HIS holds it before saving.</summary>
public sealed record HisOrderLine(string LineId, string ItemCode);

/// <summary>An order HIS saved, with the lines the doctor kept.</summary>
public sealed record HisOrder(string OrderId, string HisId, string Setting, IReadOnlyList<HisOrderLine> Lines, DateTime SavedAt);

/// <summary>State of the HIS simulator: where the portal is, and the orders doctors saved.</summary>
public sealed class HisState(RecognitionItemCatalogue catalogue)
{
    private readonly ConcurrentDictionary<string, HisOrder> _orders = new();

    public RecognitionItemCatalogue Catalogue { get; } = catalogue;

    /// <summary>The portal's base URL the demo page embeds; null until the portal listens.</summary>
    public string? PortalUrl { get; set; }

    public IReadOnlyCollection<HisOrder> Orders => _orders.Values.ToList();

    public HisOrder Save(HisOrder order) => _orders.GetOrAdd(order.OrderId, order);
}

/// <summary>The demo doctor workstation: a HIS page on its own origin that embeds the portal in an iframe,
/// with a patient list, an encounter view (outpatient, emergency, inpatient) and an order entry form.</summary>
public static class HisSimulator
{
    public static void Map(WebApplication app, HisState state)
    {
        app.MapGet("/", () => Asset("index.html", "text/html; charset=utf-8"));
        app.MapGet("/his.js", () => Asset("his.js", "text/javascript; charset=utf-8"));
        app.MapGet("/his.css", () => Asset("his.css", "text/css; charset=utf-8"));

        app.MapGet("/his/api/config", () => Results.Json(new
        {
            portalUrl = state.PortalUrl,
            hospitalName = DemoWorld.Home.Name,
            hospitalCode = DemoWorld.Home.Code,
        }, PlatformServiceCollectionExtensions.Json));

        app.MapGet("/his/api/patients", () => Results.Json(DemoWorld.Patients.Select(p => new
        {
            p.HisId,
            p.Identity.Name,
            p.Identity.IdType,
            p.Identity.IdNumber,
            p.Sex,
            p.BirthDate,
            EncounterId = "E" + p.HisId[1..],
        }), PlatformServiceCollectionExtensions.Json));

        app.MapGet("/his/api/catalogue", () => Results.Json(state.Catalogue.Items, PlatformServiceCollectionExtensions.Json));

        app.MapPost("/his/api/orders", (HisOrder order) =>
            order.Lines.Count == 0 || DemoWorld.FindByHisId(order.HisId) is null
                ? Results.Problem("An order needs a known patient and at least one line.", statusCode: StatusCodes.Status400BadRequest)
                : Results.Json(state.Save(order with { SavedAt = DateTime.UtcNow }), PlatformServiceCollectionExtensions.Json));
        app.MapGet("/his/api/orders", () => Results.Json(state.Orders, PlatformServiceCollectionExtensions.Json));
    }

    private static IResult Asset(string name, string contentType)
    {
        var stream = typeof(HisSimulator).Assembly.GetManifestResourceStream("his/" + name);
        return stream is null ? Results.NotFound() : Results.Stream(stream, contentType);
    }
}
