using System.ComponentModel.DataAnnotations;

namespace Workstation.Sandbox;

/// <summary>In-process simulators of the recognition platform, HIS and LIS/PACS (section <c>Sandbox</c>).</summary>
public sealed class SandboxOptions
{
    public const string Section = "Sandbox";

    /// <summary>Host the simulators inside the portal process (demo mode).</summary>
    public bool Enabled { get; set; }

    /// <summary>Interface the simulators listen on; loopback only.</summary>
    [Required]
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>Port of the platform simulator; 0 picks a free one.</summary>
    [Range(0, 65535)]
    public int PlatformPort { get; set; } = 5310;

    /// <summary>Port of the demo HIS workstation; 0 picks a free one.</summary>
    [Range(0, 65535)]
    public int HisPort { get; set; } = 5320;

    /// <summary>Port of the LIS/PACS simulator; 0 picks a free one.</summary>
    [Range(0, 65535)]
    public int LisPort { get; set; } = 5330;

    /// <summary>Port of the city card-management simulator; 0 (the default, so that hosts started by tests never
    /// collide) picks a free one; the demo configuration uses 5340.</summary>
    [Range(0, 65535)]
    public int CardPort { get; set; }

    /// <summary>Port of the demo EHR (a CDS Hooks 2.0 client of the portal); 0 (the default) picks a free one; the demo
    /// configuration uses 5350, the port its CdsHooks:Clients entry names.</summary>
    [Range(0, 65535)]
    public int EhrPort { get; set; }

    /// <summary>Key the card-management simulator accepts (the portal's HealthCard:ApiKey).</summary>
    [Required]
    public string CardApiKey { get; set; } = "demo-card-system-key";

    /// <summary>Account the platform simulator accepts (the portal's Platform:Username).</summary>
    [Required]
    public string PlatformUsername { get; set; } = "hz-demo-hospital";

    /// <summary>Password the platform simulator accepts (the portal's Platform:Password).</summary>
    [Required]
    public string PlatformPassword { get; set; } = "demo-platform-secret";

    /// <summary>Where the demo HIS page finds the portal; set by the host once the portal listens.</summary>
    public string? PortalUrl { get; set; }
}
