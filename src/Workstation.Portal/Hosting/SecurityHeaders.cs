using Microsoft.Extensions.Options;

namespace Workstation.Portal.Hosting;

/// <summary>Security headers on every response. The portal is meant to be framed by HIS, so instead of
/// X-Frame-Options (which cannot name other origins) CSP frame-ancestors lists exactly the configured HIS origins.</summary>
internal sealed class SecurityHeaders(RequestDelegate next, IOptions<HisOptions> his)
{
    private readonly string _csp = string.Join("; ",
        "default-src 'self'",
        "script-src 'self'",
        // MudBlazor sets inline style attributes.
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "frame-src 'self' http: https:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors " + string.Join(' ', new[] { "'self'" }.Concat(his.Value.AllOrigins)));

    /// <summary>The Content-Security-Policy value in force.</summary>
    public string ContentSecurityPolicy => _csp;

    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = _csp;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
            headers.Remove("X-Frame-Options");
            return Task.CompletedTask;
        });
        return next(context);
    }
}
