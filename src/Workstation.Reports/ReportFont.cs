using SkiaSharp;

namespace Workstation.Reports;

/// <summary>The CJK TrueType font report PDFs embed: the configured file, or the WenQuanYi Micro Hei this project
/// brings (<c>Fonts/</c>, Apache-2.0), so report PDFs work on a machine with no fonts installed (decision 0015). Noto
/// CJK is refused: SkiaSharp embeds its CFF outlines as Type 3 glyphs, whose text other hospitals' viewers extract badly.</summary>
public sealed class ReportFont : IDisposable
{
    /// <summary>The font brought with the build output (copied from <c>src/Workstation.Reports/Fonts</c>).</summary>
    public static string BundledPath { get; } = System.IO.Path.Combine(AppContext.BaseDirectory, "Fonts", "wqy-microhei.ttc");

    private const string Advice = "Leave Reports:FontPath empty to use the font Workstation brings, or set it to a CJK TrueType font (.ttf/.ttc)";

    private readonly TrueTypeSubset _subsetter;

    private ReportFont(SKTypeface typeface, string path, TrueTypeSubset subsetter)
    {
        Typeface = typeface;
        Path = path;
        _subsetter = subsetter;
    }

    public SKTypeface Typeface { get; }

    /// <summary>The font file in use.</summary>
    public string Path { get; }

    /// <summary>Loads the configured font, or the bundled one when <paramref name="configuredPath"/> is empty.</summary>
    /// <exception cref="ReportFontException">No usable CJK TrueType font: the message says what to fix.</exception>
    public static ReportFont Load(string? configuredPath = null)
    {
        var problem = TryLoad(configuredPath, out var font);
        return font ?? throw new ReportFontException(problem!);
    }

    /// <summary>Returns null and the font when usable, or a message for an operator and no font. No system font is
    /// looked up: a configured path is used as it is, an empty one means the bundled font.</summary>
    public static string? TryLoad(string? configuredPath, out ReportFont? font)
    {
        font = null;
        var path = string.IsNullOrWhiteSpace(configuredPath) ? BundledPath : configuredPath;
        if (!File.Exists(path))
        {
            return string.IsNullOrWhiteSpace(configuredPath)
                ? $"the report font Workstation brings is missing from its build output ({path}): build or publish the portal again, " +
                  "or set Reports:FontPath to a CJK TrueType font (.ttf/.ttc)."
                : $"the report font {path} does not exist. Fix Reports:FontPath, or leave it empty to use the font Workstation brings.";
        }
        var typeface = SKTypeface.FromFile(path);
        if (typeface is null)
            return $"{path} is not a font SkiaSharp can read. {Advice}.";
        if (typeface.GetGlyph('中') == 0 || typeface.GetGlyph('↑') == 0)
        {
            typeface.Dispose();
            return $"{path} has no Chinese glyphs. {Advice}.";
        }
        var subsetter = TrueTypeSubset.TryParse(File.ReadAllBytes(path));
        if (subsetter is null)
        {
            typeface.Dispose();
            return $"{path} is not a TrueType-outline font (CFF fonts such as Noto CJK are embedded as Type 3 glyphs whose text " +
                   $"other viewers extract badly). {Advice}.";
        }
        font = new ReportFont(typeface, path, subsetter);
        return null;
    }

    /// <summary>A typeface holding only <paramref name="glyphs"/> (same glyph ids), for embedding in one PDF.</summary>
    internal SKTypeface CreateSubset(IEnumerable<ushort> glyphs)
    {
        using var data = SKData.CreateCopy(_subsetter.Subset(glyphs));
        return SKTypeface.FromData(data) ?? throw new InvalidOperationException($"SkiaSharp could not read the subset of {Path}.");
    }

    public void Dispose() => Typeface.Dispose();
}

/// <summary>No usable CJK font for report PDFs; the message says what to fix.</summary>
public sealed class ReportFontException(string message) : Exception(message);
