using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Workstation.Portal.Accounts;

/// <summary>Staff accounts: user names are unique.</summary>
internal sealed class UserAccountConfiguration : IEntityTypeConfiguration<UserAccount>
{
    public void Configure(EntityTypeBuilder<UserAccount> e)
    {
        e.ToTable("users");
        e.HasKey(u => u.Id);
        e.Property(u => u.UserName).HasMaxLength(64).IsRequired();
        e.HasIndex(u => u.UserName).IsUnique();
        e.Property(u => u.DisplayName).HasMaxLength(64).IsRequired();
        e.Property(u => u.Role).HasMaxLength(32).IsRequired();
        e.Property(u => u.DepartmentCode).HasMaxLength(32);
        e.Property(u => u.PasswordHash).HasMaxLength(256).IsRequired();
    }
}
