using Microsoft.Extensions.Options;

namespace Workstation.Portal.BloodUse;

/// <summary><c>GET {base}/token</c> and <c>GET {base}/blduseinfo</c> exactly as seed 001 writes them. Every answer is
/// the envelope; nothing here answers a 5xx or an HTML page.</summary>
internal static class BloodUseEndpoints
{
    public const string Tag = "BloodUse";

    internal static IEndpointRouteBuilder MapBloodUseEndpoints(this IEndpointRouteBuilder app)
    {
        var pathBase = app.ServiceProvider.GetRequiredService<IOptions<BloodUseOptions>>().Value.PathBase;
        var group = app.MapGroup(pathBase).WithTags(Tag).RequireCors(BloodUseRegistration.CorsPolicy).AllowAnonymous()
            .AddEndpointFilter(EnvelopeOnFailure);

        group.MapGet("/token", TokenAsync)
            .WithName("BloodUseToken")
            .WithSummary("获取Token: a token for the blood-use fee reduction system's client")
            .WithDescription("Seed 001 §获取Token. id and password of an account in BloodUse:Clients. Wrong passwords lock the " +
                             "account for BloodUse:LockoutDuration after BloodUse:MaxFailedAttempts tries. Failures answer " +
                             "success=false with a Chinese erroMessage (HTTP 200).")
            .Produces<BloodUseEnvelope<BloodUseTokenData>>(StatusCodes.Status200OK, "application/json");
        group.MapGet("/blduseinfo", InfoAsync)
            .WithName("BloodUseInfo")
            .WithSummary("患者信息接口: identity and blood-use bills of an inpatient by resident ID number")
            .WithDescription("Seed 001 §患者信息接口. identityNumber is an 18-digit resident ID (checksum verified). chargeBills " +
                             "holds one bill per discharge settlement with blood products (empty when the patient had none). " +
                             "Every lookup is audited with the ID number masked.")
            .Produces<BloodUseEnvelope<BloodUseInfo>>(StatusCodes.Status200OK, "application/json");
        group.MapMethods("/{**rest}", [HttpMethods.Get, HttpMethods.Post, HttpMethods.Put, HttpMethods.Delete, HttpMethods.Head],
                (string? rest) => BloodUseJson.Fail(BloodUseMessages.NotFound, StatusCodes.Status404NotFound))
            .ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> TokenAsync(string? id, string? password, BloodUseAccounts accounts, CancellationToken cancellationToken)
    {
        var result = await accounts.IssueTokenAsync(id, password, cancellationToken);
        return result.Token is { } token
            ? BloodUseJson.Ok(new BloodUseTokenData(token, result.ExpiresInSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            : BloodUseJson.Fail(result.Error!);
    }

    private static async Task<IResult> InfoAsync(string? token, string? identityNumber, BloodUseAccounts accounts, BloodUseLookup lookup,
        CancellationToken cancellationToken)
    {
        if (await accounts.ValidateTokenAsync(token, cancellationToken) is not { } client) return BloodUseJson.Fail(BloodUseMessages.BadToken);
        var result = await lookup.LookupAsync(client, identityNumber, cancellationToken);
        return result.Info is { } info ? BloodUseJson.Ok(info) : BloodUseJson.Fail(result.Error!);
    }

    /// <summary>An unexpected failure (the database, a bug) still answers the envelope, logged without the query string.</summary>
    private static async ValueTask<object?> EnvelopeOnFailure(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (Exception ex) when (!context.HttpContext.RequestAborted.IsCancellationRequested)
        {
            context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(BloodUseEndpoints))
                .LogError(ex, "Blood-use request {Path} failed", context.HttpContext.Request.Path);
            return BloodUseJson.Fail(BloodUseMessages.Internal);
        }
    }
}
