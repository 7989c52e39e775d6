using System.Globalization;
using System.Resources;
using Microsoft.Extensions.Localization;

namespace Workstation.Portal.Localization;

/// <summary>Marker type for the portal's shared resource file (<c>SharedResource.resx</c> is zh-CN, the neutral language).</summary>
public sealed class SharedResource;

/// <summary>The language of one user's circuit. Blazor Server circuits share threads, so the culture is held here
/// (scoped) and passed explicitly to the resource manager rather than set on the thread.</summary>
public sealed class UiCulture
{
    public static readonly CultureInfo Chinese = CultureInfo.GetCultureInfo("zh-CN");
    public static readonly CultureInfo English = CultureInfo.GetCultureInfo("en");
    public static readonly IReadOnlyList<CultureInfo> Supported = [Chinese, English];

    /// <summary>Key under which the choice is kept in the browser's (protected) local storage.</summary>
    public const string StorageKey = "workstation.ui-culture";

    public CultureInfo Current { get; private set; } = Chinese;

    public bool IsEnglish => Current.Name == English.Name;

    /// <summary>Raised after the language changed.</summary>
    public event Action? Changed;

    /// <summary>Parses a stored or requested name; unknown names fall back to zh-CN.</summary>
    public static CultureInfo Parse(string? name) =>
        Supported.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase)
                                      || string.Equals(c.TwoLetterISOLanguageName, name, StringComparison.OrdinalIgnoreCase))
        ?? Chinese;

    public void Set(CultureInfo culture)
    {
        culture = Parse(culture.Name);
        if (culture.Name == Current.Name) return;
        Current = culture;
        Changed?.Invoke();
    }
}

/// <summary><see cref="IStringLocalizer{T}"/> that reads the circuit's <see cref="UiCulture"/>.</summary>
internal sealed class UiStringLocalizer<T>(UiCulture culture) : IStringLocalizer<T>
{
    private static readonly ResourceManager Resources = new(typeof(T));

    public LocalizedString this[string name]
    {
        get
        {
            var value = Resources.GetString(name, culture.Current);
            return new LocalizedString(name, value ?? name, resourceNotFound: value is null);
        }
    }

    public LocalizedString this[string name, params object[] arguments]
    {
        get
        {
            var format = this[name];
            return new LocalizedString(name, string.Format(culture.Current, format.Value, arguments), format.ResourceNotFound);
        }
    }

    public IEnumerable<LocalizedString> GetAllStrings(bool includeParentCultures) =>
        Resources.GetResourceSet(culture.Current, createIfNotExists: true, tryParents: includeParentCultures)?
            .Cast<System.Collections.DictionaryEntry>()
            .Select(e => new LocalizedString((string)e.Key, (string?)e.Value ?? "")) ?? [];
}
