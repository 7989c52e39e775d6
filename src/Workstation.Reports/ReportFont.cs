using SkiaSharp;

namespace Workstation.Reports;

/// <summary>The CJK TrueType font report PDFs embed. Found at run time: the configured file, or Debian's
/// WenQuanYi Zen Hei. Noto CJK is deliberately not a candidate: SkiaSharp embeds its CFF outlines as Type 3
/// glyphs, whose text other hospitals' viewers extract badly.</summary>
public sealed class ReportFont : IDisposable
{
    /// <summary>The Debian package that provides the default font.</summary>
    public const string DebianPackage = "fonts-wqy-zenhei";

    /// <summary>Where Debian installs <see cref="DebianPackage"/>.</summary>
    public const string DefaultPath = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc";

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

    /// <summary>Loads the configured font, or the default one when <paramref name="configuredPath"/> is empty.</summary>
    /// <exception cref="ReportFontException">No usable CJK TrueType font: the message says what to install or fix.</exception>
    public static ReportFont Load(string? configuredPath = null)
    {
        var problem = TryLoad(configuredPath, out var font);
        return font ?? throw new ReportFontException(problem!);
    }

    /// <summary>Returns null and the font when usable, or a message for an operator and no font.</summary>
    public static string? TryLoad(string? configuredPath, out ReportFont? font)
    {
        font = null;
        var path = string.IsNullOrWhiteSpace(configuredPath) ? DefaultPath : configuredPath;
        if (!File.Exists(path))
        {
            return string.IsNullOrWhiteSpace(configuredPath)
                ? $"no CJK font for report PDFs: {DefaultPath} is missing. Install the Debian package {DebianPackage} " +
                  $"(apt-get install {DebianPackage}) or set Reports:FontPath to a CJK TrueType font (.ttf/.ttc)."
                : $"the report font {path} does not exist. Fix Reports:FontPath, or leave it empty and install the Debian package {DebianPackage}.";
        }
        var typeface = SKTypeface.FromFile(path);
        if (typeface is null)
            return $"{path} is not a font SkiaSharp can read. Set Reports:FontPath to a CJK TrueType font, e.g. {DefaultPath} from the Debian package {DebianPackage}.";
        if (typeface.GetGlyph('中') == 0 || typeface.GetGlyph('↑') == 0)
        {
            typeface.Dispose();
            return $"{path} has no Chinese glyphs. Set Reports:FontPath to a CJK TrueType font, e.g. {DefaultPath} from the Debian package {DebianPackage}.";
        }
        var subsetter = TrueTypeSubset.TryParse(File.ReadAllBytes(path));
        if (subsetter is null)
        {
            typeface.Dispose();
            return $"{path} is not a TrueType-outline font (CFF fonts such as Noto CJK are embedded as Type 3 glyphs whose text " +
                   $"other viewers extract badly). Set Reports:FontPath to a CJK TrueType font, e.g. {DefaultPath} from the Debian package {DebianPackage}.";
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

/// <summary>No usable CJK font for report PDFs; the message names the Debian package to install.</summary>
public sealed class ReportFontException(string message) : Exception(message);
