namespace Workstation.Portal.Accounts;

/// <summary>A person who signs in to the portal directly (lab staff, quality officers, administrators).
/// Doctors arrive through a HIS launch and are not stored here.</summary>
internal sealed class UserAccount
{
    public Guid Id { get; set; }

    public string UserName { get; set; } = "";

    public string DisplayName { get; set; } = "";

    /// <summary>One of <see cref="PortalRoles"/>.</summary>
    public string Role { get; set; } = "";

    public string? DepartmentCode { get; set; }

    /// <summary>ASP.NET Core Identity's PBKDF2 hash format.</summary>
    public string PasswordHash { get; set; } = "";

    public int FailedLogins { get; set; }

    /// <summary>UTC time until which sign-in is refused after repeated failures.</summary>
    public DateTime? LockedUntil { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? LastLoginAt { get; set; }
}

/// <summary>The portal's roles.</summary>
internal static class PortalRoles
{
    public const string Doctor = "Doctor";
    public const string LabStaff = "LabStaff";
    public const string QualityOfficer = "QualityOfficer";
    public const string Admin = "Admin";

    /// <summary>Roles that sign in with a password.</summary>
    public static readonly IReadOnlyList<string> Staff = [LabStaff, QualityOfficer, Admin];

    /// <summary>Comma list for <c>[Authorize(Roles = ...)]</c>: any signed-in staff role.</summary>
    public const string AnyStaff = LabStaff + "," + QualityOfficer + "," + Admin;
}
