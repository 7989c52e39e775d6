using System.ComponentModel.DataAnnotations;

using Workstation.Portal.Accounts;

namespace Workstation.Portal.Demo;

/// <summary>Demo mode (section <c>Demo</c>): demo staff accounts and a history for the quality review. Never enable it in
/// a hospital.</summary>
internal sealed class DemoOptions : IValidatableObject
{
    public const string Section = "Demo";

    /// <summary>Seed the demo accounts listed in the README.</summary>
    public bool SeedAccounts { get; set; }

    /// <summary>Password of every demo account.</summary>
    public string Password { get; set; } = "";

    /// <summary>Decisions of review history to generate at start-up (0: none).</summary>
    [Range(0, 2_000_000)]
    public int ReviewHistory { get; set; }

    /// <summary>Generate the history only when no decision is stored yet (the demo start); false to add it anyway.</summary>
    public bool ReviewHistoryOnlyIfEmpty { get; set; } = true;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (SeedAccounts && Password.Length < 8)
            yield return new ValidationResult("Demo:Password must have at least 8 characters when Demo:SeedAccounts is true.", [nameof(Password)]);
    }
}

/// <summary>Seeds the demo staff accounts when <see cref="DemoOptions.SeedAccounts"/> is on.</summary>
internal sealed class DemoAccountSeeder(
    Microsoft.Extensions.Options.IOptions<DemoOptions> options,
    AccountService accounts,
    ILogger<DemoAccountSeeder> logger) : IHostedService
{
    /// <summary>The demo staff: user name, display name, role, department.</summary>
    public static readonly (string User, string Name, string Role, string? Department)[] Accounts =
    [
        ("lab", "李敏", PortalRoles.LabStaff, "JYK"),
        ("qc", "周婷", PortalRoles.QualityOfficer, "ZKK"),
        ("admin", "系统管理员", PortalRoles.Admin, null),
    ];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (!o.SeedAccounts) return;
        if (o.Password.Length < 8) throw new Hosting.InvalidConfigurationException("Demo:Password must be set (8+ characters) when Demo:SeedAccounts is true.");
        foreach (var (user, name, role, department) in Accounts)
            await accounts.EnsureAccountAsync(user, name, role, department, o.Password, cancellationToken);
        logger.LogWarning("Demo accounts seeded ({Users}); this is a demo configuration", string.Join(", ", Accounts.Select(a => a.User)));
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
