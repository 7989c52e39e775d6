using Microsoft.Extensions.Localization;

namespace Workstation.Portal.Localization;

/// <summary>The UI language registers itself; Hosting calls <see cref="AddPortalLocalization"/> (named apart from the
/// framework's <c>AddLocalization</c>, which this replaces for the portal's strings).</summary>
internal static class LocalizationRegistration
{
    /// <summary>The UI culture chosen per circuit, kept in the browser, the localizer that reads it, and the hospital's
    /// local time.</summary>
    public static IServiceCollection AddPortalLocalization(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<LocalTimeOptions>().Bind(configuration.GetSection(LocalTimeOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<LocalTime>();
        services.AddScoped<UiCulture>();
        services.AddScoped<CulturePersistence>();
        services.AddScoped(typeof(IStringLocalizer<>), typeof(UiStringLocalizer<>));
        return services;
    }
}
