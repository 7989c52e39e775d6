using SkiaSharp;

namespace Workstation.Reports;

/// <summary>A laid-out report: its pages as drawing primitives in PDF points (A4, 1/72 inch). Drawn either into a PDF
/// (<see cref="ToPdf"/>) or onto a bitmap (<see cref="RenderPagePng"/>) with the same code, so the preview a lab
/// technician checks is the PDF the platform receives.</summary>
public sealed class ReportDocument
{
    /// <summary>A4 in points.</summary>
    public const float PageWidth = 595.28f, PageHeight = 841.89f;

    private readonly ReportFont _font;
    private readonly IReadOnlyList<IReadOnlyList<PagePrimitive>> _pages;

    internal ReportDocument(ReportFont font, IReadOnlyList<IReadOnlyList<PagePrimitive>> pages, string title, string author,
        string subject, DateTimeOffset createdAt)
    {
        _font = font;
        _pages = pages;
        Title = title;
        Author = author;
        Subject = subject;
        CreatedAt = createdAt;
    }

    public int PageCount => _pages.Count;

    /// <summary>PDF title, e.g. "血常规 检验报告单 L20261125-0001".</summary>
    public string Title { get; }

    /// <summary>PDF author: the issuing hospital.</summary>
    public string Author { get; }

    public string Subject { get; }

    public DateTimeOffset CreatedAt { get; }

    /// <summary>Every page's text, in drawing order (for tests and search).</summary>
    public IEnumerable<string> PageText(int pageNumber) =>
        _pages[pageNumber - 1].OfType<PagePrimitive.Text>().Select(t => t.Value);

    /// <summary>The whole report as an A4 PDF with the font embedded and the text extractable.</summary>
    public byte[] ToPdf()
    {
        using var stream = new MemoryStream();
        WritePdf(stream);
        return stream.ToArray();
    }

    public void WritePdf(Stream stream)
    {
        var metadata = new SKDocumentPdfMetadata
        {
            Title = Title,
            Author = Author,
            Subject = Subject,
            Creator = "Workstation",
            Creation = CreatedAt.UtcDateTime,
            Modified = CreatedAt.UtcDateTime,
        };
        using var typeface = _font.CreateSubset(UsedGlyphs());
        using var document = SKDocument.CreatePdf(stream, metadata)
                             ?? throw new InvalidOperationException("SkiaSharp could not create a PDF document.");
        using var painter = new Painter(typeface);
        foreach (var page in _pages)
        {
            var canvas = document.BeginPage(PageWidth, PageHeight);
            painter.Paint(canvas, page);
            document.EndPage();
        }
        document.Close();
    }

    private HashSet<ushort> UsedGlyphs()
    {
        using var font = new SKFont(_font.Typeface);
        var glyphs = new HashSet<ushort>();
        foreach (var text in _pages.SelectMany(p => p.OfType<PagePrimitive.Text>()))
            glyphs.UnionWith(font.GetGlyphs(text.Value));
        return glyphs;
    }

    /// <summary>One page (1-based) as a PNG at <paramref name="dpi"/> dots per inch (72 = one pixel per point).
    /// For browsers without a PDF viewer: headless Chromium and many HIS embedded browsers.</summary>
    public byte[] RenderPagePng(int pageNumber, float dpi = 110)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageNumber, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageNumber, PageCount);
        ArgumentOutOfRangeException.ThrowIfLessThan(dpi, 36);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(dpi, 300);
        var scale = dpi / 72f;
        var info = new SKImageInfo((int)Math.Ceiling(PageWidth * scale), (int)Math.Ceiling(PageHeight * scale));
        using var surface = SKSurface.Create(info)
                            ?? throw new InvalidOperationException("SkiaSharp could not create a raster surface.");
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        canvas.Scale(scale);
        using (var painter = new Painter(_font.Typeface)) painter.Paint(canvas, _pages[pageNumber - 1]);
        using var pixels = surface.PeekPixels();
        // zlib level 4 rather than the default 6: pages are rendered on demand, and the bytes barely differ (176 vs 174 KiB).
        using var data = pixels.Encode(new SKPngEncoderOptions(SKPngEncoderFilterFlags.AllFilters, 4))
                         ?? throw new InvalidOperationException("SkiaSharp could not encode the page as PNG.");
        return data.ToArray();
    }

    /// <summary>Draws primitives; holds one <see cref="SKFont"/> per size for the duration of one document.</summary>
    private sealed class Painter(SKTypeface typeface) : IDisposable
    {
        private readonly Dictionary<float, SKFont> _fonts = [];
        private readonly SKPaint _paint = new() { IsAntialias = true };

        public void Paint(SKCanvas canvas, IReadOnlyList<PagePrimitive> page)
        {
            foreach (var primitive in page)
            {
                switch (primitive)
                {
                    case PagePrimitive.Box box:
                        var rect = new SKRect(box.Left, box.Top, box.Right, box.Bottom);
                        if (box.Fill is { } fill)
                        {
                            _paint.Style = SKPaintStyle.Fill;
                            _paint.Color = fill;
                            canvas.DrawRoundRect(rect, box.Radius, box.Radius, _paint);
                        }
                        if (box.StrokeWidth > 0)
                        {
                            _paint.Style = SKPaintStyle.Stroke;
                            _paint.StrokeWidth = box.StrokeWidth;
                            _paint.Color = box.Stroke;
                            canvas.DrawRoundRect(rect, box.Radius, box.Radius, _paint);
                        }
                        break;
                    case PagePrimitive.Circle circle:
                        _paint.Style = SKPaintStyle.Stroke;
                        _paint.StrokeWidth = circle.StrokeWidth;
                        _paint.Color = circle.Color;
                        canvas.DrawCircle(circle.X, circle.Y, circle.Radius, _paint);
                        break;
                    case PagePrimitive.Line line:
                        _paint.Style = SKPaintStyle.Stroke;
                        _paint.StrokeWidth = line.Width;
                        _paint.Color = line.Color;
                        canvas.DrawLine(line.X1, line.Y1, line.X2, line.Y2, _paint);
                        break;
                    case PagePrimitive.Text text:
                        // The font has no bold face: bold is a thin outline around the glyphs. Skia writes outlined text
                        // as paths (plus invisible text, so it still extracts), which costs bytes: headers only.
                        _paint.Style = text.Bold ? SKPaintStyle.StrokeAndFill : SKPaintStyle.Fill;
                        _paint.StrokeWidth = text.Bold ? text.Size * 0.045f : 0;
                        _paint.Color = text.Color;
                        canvas.DrawText(text.Value, text.X, text.Y, text.Align, Font(text.Size), _paint);
                        break;
                }
            }
        }

        private SKFont Font(float size)
        {
            if (!_fonts.TryGetValue(size, out var font)) _fonts[size] = font = new SKFont(typeface, size) { Subpixel = true };
            return font;
        }

        public void Dispose()
        {
            foreach (var font in _fonts.Values) font.Dispose();
            _paint.Dispose();
        }
    }
}

/// <summary>What a page is made of, in points from the top-left corner.</summary>
internal abstract record PagePrimitive
{
    /// <param name="Y">Baseline.</param>
    public sealed record Text(string Value, float X, float Y, float Size, SKColor Color, SKTextAlign Align = SKTextAlign.Left, bool Bold = false) : PagePrimitive;

    public sealed record Line(float X1, float Y1, float X2, float Y2, float Width, SKColor Color) : PagePrimitive;

    public sealed record Box(float Left, float Top, float Right, float Bottom, float Radius, float StrokeWidth, SKColor Stroke, SKColor? Fill) : PagePrimitive;

    public sealed record Circle(float X, float Y, float Radius, float StrokeWidth, SKColor Color) : PagePrimitive;
}
