using Workstation.Platform;
using Workstation.Portal.Launch;
using Workstation.Portal.Recognition;

namespace Workstation.Portal.Embed;

internal static class EmbedEndpoints
{
    /// <summary>The report PDF shown inline in the embedded viewer, authorised by the launch session token.</summary>
    internal static IEndpointRouteBuilder MapEmbedEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/embed/reports/{reportId}/pdf", async (string reportId, string? s, LaunchService launches,
            RecognitionService recognition, CancellationToken ct) =>
        {
            var context = await launches.ResumeAsync(s, ct);
            if (context is null) return Results.Problem(statusCode: 401, title: "Session ended", detail: "Reopen the patient in HIS.");
            try
            {
                return Results.File(await recognition.GetPdfAsync(context, reportId, ct), "application/pdf");
            }
            catch (PlatformException ex) when (ex.Failure == PlatformFailure.Rejected)
            {
                return Results.Problem(statusCode: 404, title: "Not found", detail: ex.Message);
            }
            catch (PlatformException ex)
            {
                return Results.Problem(statusCode: 503, title: "Platform unavailable", detail: ex.Message);
            }
        }).AllowAnonymous().ExcludeFromDescription();
        return app;
    }
}
