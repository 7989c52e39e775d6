using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Workstation.Portal.Hosting;

namespace Workstation.Portal.HealthCard;

internal static class HealthCardEndpoints
{
    /// <summary>A verify body is a few hundred bytes; anything much larger is refused before it is read.</summary>
    public const long MaxBodyBytes = 4 * 1024;

    internal static IEndpointRouteBuilder MapHealthCardEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/health-card").RequireAuthorization(HisApiKeyHandler.Policy).WithTags("HealthCard");
        api.MapPost("/verify", VerifyAsync)
            .WithName("VerifyHealthCard")
            .WithSummary("Check a resident health card at a HIS terminal and log its use")
            .WithDescription("Seed 004: called at every card use (挂号, 分诊, 就诊, 检查, 划价缴费, 取药, 住院登记, 出院结算). The card is " +
                             "checked against the provincial and national blacklist held in memory (synced from the city " +
                             "card-management system; when that system is down the last synced list answers) and the use is " +
                             "logged; the logs go up to the card system in batches. allowed=false carries the blacklist reason.")
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(MaxBodyBytes));
        return app;
    }

    private static async Task<Ok<CardVerifyResponse>> VerifyAsync(CardVerifyRequest request, ClaimsPrincipal user, CardVerifier verifier) =>
        TypedResults.Ok(await verifier.VerifyAsync(request, user.FindFirstValue(HisApiKeyHandler.ClientClaim)!));
}
