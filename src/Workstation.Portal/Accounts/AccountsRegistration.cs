using Microsoft.AspNetCore.Identity;

namespace Workstation.Portal.Accounts;

/// <summary>The staff accounts feature registers itself; Hosting calls <see cref="AddAccounts"/> and
/// <see cref="AccountEndpoints.MapAccountEndpoints"/>. The cookie scheme itself is security wiring and stays in Hosting.</summary>
internal static class AccountsRegistration
{
    /// <summary>Staff accounts with hashed passwords.</summary>
    public static IServiceCollection AddAccounts(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<IPasswordHasher<UserAccount>, PasswordHasher<UserAccount>>();
        services.AddSingleton<AccountService>();
        return services;
    }

    /// <summary>The feature's endpoints.</summary>
    public static IEndpointRouteBuilder MapAccounts(this IEndpointRouteBuilder app) => app.MapAccountEndpoints();
}
