using System.Text.Json;

namespace Workstation.Platform.Catalogue;

/// <summary>One item of the recognition item catalogue (互认项目目录).</summary>
/// <param name="Code">Catalogue code (L… lab, E… exam).</param>
/// <param name="Name">Chinese name.</param>
/// <param name="NameEn">English name.</param>
/// <param name="Kind">"lab" or "exam".</param>
/// <param name="ValidityDays">How long a result stays recognisable.</param>
/// <param name="Price">Price in CNY; the review pages use it to estimate savings.</param>
public sealed record RecognitionItem(string Code, string Name, string NameEn, string Kind, int ValidityDays, decimal Price);

/// <summary>The seeded catalogue, modelled on the Guangdong recognition item list. Immutable once loaded.</summary>
public sealed class RecognitionItemCatalogue
{
    private readonly Dictionary<string, RecognitionItem> _byCode;

    public RecognitionItemCatalogue(IEnumerable<RecognitionItem> items)
    {
        Items = items.ToList();
        _byCode = Items.ToDictionary(i => i.Code, StringComparer.OrdinalIgnoreCase);
    }

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
