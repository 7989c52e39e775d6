namespace Workstation.Portal.HisPage;

internal static class HisPageRegistration
{
    /// <summary>The bridge to the HIS page around the embedded portal, one per circuit.</summary>
    public static IServiceCollection AddHisPage(this IServiceCollection services)
    {
        services.AddScoped<HisBridge>();
        return services;
    }
}
