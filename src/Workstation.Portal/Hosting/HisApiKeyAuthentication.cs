using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Workstation.Portal.Hosting;

/// <summary>Authenticates a HIS client calling <c>/api/v1</c> by its <c>X-Api-Key</c> (compared in constant time).</summary>
internal sealed class HisApiKeyHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptionsMonitor<HisOptions> his) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "HisApiKey";
    public const string Header = "X-Api-Key";
    public const string ClientClaim = "workstation:his-client";
    public const string Policy = "HisClient";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(Header, out var values) || values.Count != 1 || string.IsNullOrEmpty(values[0]))
            return Task.FromResult(AuthenticateResult.NoResult());
        var presented = Encoding.UTF8.GetBytes(values[0]!);
        var client = his.CurrentValue.Clients.FirstOrDefault(c =>
            CryptographicOperations.FixedTimeEquals(presented, Encoding.UTF8.GetBytes(c.ApiKey)));
        if (client is null) return Task.FromResult(AuthenticateResult.Fail("Unknown API key."));
        var identity = new ClaimsIdentity([new Claim(ClientClaim, client.Id), new Claim(ClaimTypes.Name, client.Id)], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        await Results.Problem(statusCode: 401, title: "API key required",
            detail: $"Send the HIS client's key in the {Header} header.").ExecuteAsync(Context);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        await Results.Problem(statusCode: 403, title: "Not allowed", detail: "This HIS client may not call this endpoint.").ExecuteAsync(Context);
    }
}
