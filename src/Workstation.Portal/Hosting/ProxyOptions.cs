using System.ComponentModel.DataAnnotations;
using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace Workstation.Portal.Hosting;

/// <summary>The reverse proxies (nginx) in front of the portal (section <c>Proxy</c>).</summary>
internal sealed class ProxyOptions : IValidatableObject
{
    public const string Section = "Proxy";

    /// <summary>IP addresses of the proxies whose <c>X-Forwarded-For/-Proto/-Host</c> are believed. Empty (the
    /// default): the headers are ignored, because anyone could send them to a portal reached directly.</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>True when at least one proxy is configured, i.e. forwarded headers are honoured.</summary>
    public bool Enabled => KnownProxies.Count > 0;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (var i = 0; i < KnownProxies.Count; i++)
        {
            if (!IPAddress.TryParse(KnownProxies[i], out _))
                yield return new ValidationResult(
                    $"Proxy:KnownProxies:{i}: '{KnownProxies[i]}' is not an IP address (e.g. 127.0.0.1 or ::1; no host names, no ranges).");
        }
    }
}

/// <summary>Forwarded headers from the configured proxies only.</summary>
internal static class PortalForwardedHeaders
{
    public static IServiceCollection AddPortalForwardedHeaders(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ProxyOptions>().Bind(configuration.GetSection(ProxyOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IConfigureOptions<ForwardedHeadersOptions>, ConfigureForwardedHeaders>();
        return services;
    }

    /// <summary>First in the pipeline, so the scheme (secure cookies, redirects), host and client IP (logs, lockout)
    /// seen by everything after are the browser's, not nginx's. Nothing is added when no proxy is configured.</summary>
    public static WebApplication UsePortalForwardedHeaders(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<ProxyOptions>>().Value.Enabled) app.UseForwardedHeaders();
        return app;
    }

    private sealed class ConfigureForwardedHeaders(IOptions<ProxyOptions> proxy) : IConfigureOptions<ForwardedHeadersOptions>
    {
        public void Configure(ForwardedHeadersOptions options)
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            // The framework trusts loopback by default; here only the addresses an operator listed are trusted.
            options.KnownIPNetworks.Clear();
            options.KnownProxies.Clear();
            foreach (var address in proxy.Value.KnownProxies) options.KnownProxies.Add(IPAddress.Parse(address));
            // One nginx hop: only its own entry (the rightmost) is taken; anything the browser prepended is ignored.
            options.ForwardLimit = 1;
        }
    }
}
