using System.ComponentModel.DataAnnotations;

namespace Workstation.Portal.Launch;

/// <summary>Lifetimes of launch links and sessions (section <c>Launch</c>).</summary>
public sealed class LaunchOptions
{
    public const string Section = "Launch";

    /// <summary>How long a signed launch URL is accepted after its timestamp (and how far in the future it may be).</summary>
    [Range(typeof(TimeSpan), "00:00:30", "00:30:00")]
    public TimeSpan SignedUrlLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a one-time launch code from <c>POST /api/v1/launch</c> stays redeemable.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "00:30:00")]
    public TimeSpan CodeLifetime { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>A launch session (the token in the iframe URL that lets a reload or reconnect resume) ends after this much
    /// inactivity.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "12:00:00")]
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromMinutes(30);
}
