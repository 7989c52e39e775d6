using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Workstation.Portal.Launch;
using Workstation.Portal.Storage;

namespace Workstation.Portal.CdsHooks;

/// <summary>The links of a card (the report, the decision page). An EHR shows a card for as long as the clinician looks
/// at it and a link may be clicked more than once, so a link does not carry a one-time launch code (2 minutes, used
/// once): it names the card, and each click issues a fresh code for the card's doctor, patient and encounter, while
/// the card is younger than <see cref="CdsHooksOptions.CardLinkLifetime"/>. The card's uuid is 122 random bits from the
/// system's CSPRNG, handed out only in the answer to an authenticated call. No code is issued for a card nobody opens.</summary>
internal static class CdsCardLinks
{
    public const string Report = "report";
    public const string Decide = "decide";

    /// <summary>A card uuid (RFC 4122 version 4) from a cryptographic random source.</summary>
    public static string NewCardId()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true).ToString();
    }

    public static string Url(string publicBaseUrl, string cardUuid, string target) =>
        $"{publicBaseUrl.TrimEnd('/')}/cds/cards/{Uri.EscapeDataString(cardUuid)}/{target}";

    public static IEndpointRouteBuilder MapCdsCardLinks(this IEndpointRouteBuilder app)
    {
        app.MapGet("/cds/cards/{uuid}/{target}", OpenAsync).AllowAnonymous().ExcludeFromDescription(); // a browser link, like /launch
        return app;
    }

    private static async Task<IResult> OpenAsync(string uuid, string target, IDbContextFactory<PortalDbContext> dbFactory, LaunchService launches,
        IOptionsMonitor<CdsHooksOptions> options, TimeProvider time, CancellationToken ct)
    {
        if (target is not (Report or Decide) || uuid.Length > 40) return ErrorPage(404, "卡片链接无效。", "The card link is not valid.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var card = await db.CdsCards.AsNoTracking().Where(c => c.Uuid == uuid)
            .Select(c => new { c.ContextJson, c.CheckId, c.ReportId, c.CreatedAt }).SingleOrDefaultAsync(ct);
        if (card is null) return ErrorPage(404, "卡片链接无效。", "The card link is not valid.");
        var lifetime = options.CurrentValue.CardLinkLifetime;
        if (time.GetUtcNow().UtcDateTime - card.CreatedAt > lifetime)
        {
            var hours = lifetime.TotalHours.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture);
            return ErrorPage(410, $"卡片链接已过期（卡片生成已超过 {hours} 小时）。", $"The card link has expired (the card is older than {hours} h).");
        }
        var context = JsonSerializer.Deserialize<LaunchContext>(card.ContextJson)!;
        var next = target == Report ? $"embed?report={Uri.EscapeDataString(card.ReportId)}" : $"decide?check={Uri.EscapeDataString(card.CheckId)}";
        var (code, _) = await launches.IssueCodeAsync(context, next, ct);
        return Results.Redirect($"/launch?code={Uri.EscapeDataString(code)}");
    }

    private static IResult ErrorPage(int status, string zh, string en) => LaunchEndpoints.ErrorPage(status,
        zh + "请在 EHR 中重新选择或签署医嘱，互认服务会给出新的卡片。", en + " Select or sign the order again in the EHR for a new card.", "card-link-error");
}
