using System.Text.Json;

namespace Workstation.Platform.Catalogue;

/// <summary>One item of the recognition item catalogue (互认项目目录).</summary>
/// <param name="Code">Catalogue code (L… lab, E… exam).</param>
/// <param name="Name">Chinese name.</param>
/// <param name="NameEn">English name.</param>
/// <param name="Kind">"lab" or "exam".</param>
/// <param name="ValidityDays">How long a result stays recognisable.</param>
/// <param name="Price">Price in CNY; the review pages use it to estimate savings.</param>
public sealed record RecognitionItem(string Code, string Name, string NameEn, string Kind, int ValidityDays, decimal Price)
{
    /// <summary>The LOINC code of the order, where the catalogue knows one (docs/cds-hooks.md lists them and their sources).</summary>
    public string? Loinc { get; init; }
}

/// <summary>The seeded catalogue, modelled on the Guangdong recognition item list. Immutable once loaded.</summary>
public sealed class RecognitionItemCatalogue
{
    private readonly Dictionary<string, RecognitionItem> _byCode;

    public RecognitionItemCatalogue(IEnumerable<RecognitionItem> items)
    {
        Items = items.ToList();
        _byCode = Items.ToDictionary(i => i.Code, StringComparer.OrdinalIgnoreCase);
        _byLoinc = Items.Where(i => i.Loinc is not null).ToDictionary(i => i.Loinc!, StringComparer.Ordinal);
    }

    private readonly Dictionary<string, RecognitionItem> _byLoinc;

    /// <summary>The code system of the catalogue's own codes in FHIR (CDS Hooks draft orders, the FHIR read API).</summary>
    public const string CodeSystem = "urn:workstation:recognition-item";

    public const string LoincSystem = "http://loinc.org";

    /// <summary>The catalogue item a FHIR coding names: the catalogue's own code system, or LOINC where the catalogue knows it.</summary>
    public RecognitionItem? FindCoding(string? system, string? code) => system switch
    {
        CodeSystem => Find(code),
        LoincSystem when code is not null => _byLoinc.GetValueOrDefault(code),
        _ => null,
    };

    public IReadOnlyList<RecognitionItem> Items { get; }

    public RecognitionItem? Find(string? code) => code is not null && _byCode.TryGetValue(code, out var item) ? item : null;

    /// <summary>Loads the catalogue shipped with this assembly.</summary>
    public static RecognitionItemCatalogue LoadDefault()
    {
        using var stream = typeof(RecognitionItemCatalogue).Assembly.GetManifestResourceStream("recognition-items.json")
            ?? throw new InvalidOperationException("The embedded recognition item catalogue is missing.");
        var items = JsonSerializer.Deserialize<List<RecognitionItem>>(stream, PlatformServiceCollectionExtensions.Json)
            ?? throw new InvalidOperationException("The embedded recognition item catalogue is empty.");
        return new RecognitionItemCatalogue(items);
    }
}
