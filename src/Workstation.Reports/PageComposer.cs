using SkiaSharp;

namespace Workstation.Reports;

/// <summary>Flows content down A4 pages: a cursor, a page break when the next block does not fit, the page header
/// (and, inside a table, the table header) drawn again on each new page, and the footers once the page count is known.</summary>
internal sealed class PageComposer(SKTypeface typeface, Action<PageComposer> pageHeader) : IDisposable
{
    public const float Left = 42f, Right = ReportDocument.PageWidth - 42f, Top = 34f, ContentBottom = 792f, FooterRule = 806f;
    public const float Width = Right - Left;

    public static readonly SKColor Ink = new(0x1A, 0x1A, 0x1A), Muted = new(0x5F, 0x63, 0x68), Rule = new(0x33, 0x33, 0x33),
        LightRule = new(0xC4, 0xC8, 0xCC), Alert = new(0xC6, 0x28, 0x28), Zebra = new(0xF3, 0xF5, 0xF7), HeaderFill = new(0xE4, 0xE8, 0xEC);

    private readonly List<List<PagePrimitive>> _pages = [];
    private readonly Dictionary<float, SKFont> _fonts = [];
    private List<PagePrimitive> _current = [];

    /// <summary>Drawn under the page header of every page started while set (a table's column header).</summary>
    public Action<PageComposer>? ContinuationHeader { get; set; }

    /// <summary>Drawn at the bottom of a page the content continues from (a table's "continued" note).</summary>
    public Action<PageComposer>? ContinuationFooter { get; set; }

    /// <summary>Top of the free space on the current page.</summary>
    public float Y { get; set; }

    public int PageCount => _pages.Count;

    public void StartPage()
    {
        _current = [];
        _pages.Add(_current);
        Y = Top;
        pageHeader(this);
        ContinuationHeader?.Invoke(this);
    }

    /// <summary>Starts a new page when <paramref name="height"/> points do not fit on this one.</summary>
    public void EnsureSpace(float height)
    {
        if (Y + height <= ContentBottom) return;
        ContinuationFooter?.Invoke(this);
        StartPage();
    }

    public void Text(string value, float x, float baseline, float size, SKColor? color = null, SKTextAlign align = SKTextAlign.Left, bool bold = false)
    {
        if (value.Length > 0) _current.Add(new PagePrimitive.Text(value, x, baseline, size, color ?? Ink, align, bold));
    }

    public void Line(float x1, float y1, float x2, float y2, float width = 0.6f, SKColor? color = null) =>
        _current.Add(new PagePrimitive.Line(x1, y1, x2, y2, width, color ?? Rule));

    public void Box(float left, float top, float right, float bottom, SKColor? fill, float strokeWidth = 0, SKColor? stroke = null, float radius = 0) =>
        _current.Add(new PagePrimitive.Box(left, top, right, bottom, radius, strokeWidth, stroke ?? Rule, fill));

    public void Circle(float x, float y, float radius, float strokeWidth, SKColor color) =>
        _current.Add(new PagePrimitive.Circle(x, y, radius, strokeWidth, color));

    public float Measure(string text, float size) => Font(size).MeasureText(text);

    public IReadOnlyList<string> Wrap(string text, float size, float width) => ReportText.Wrap(text, Font(size), width);

    /// <summary>Adds each page's footer, now that the page count is known, and hands the pages over.</summary>
    public IReadOnlyList<IReadOnlyList<PagePrimitive>> Finish(Action<PageComposer, int, int> footer)
    {
        for (var i = 0; i < _pages.Count; i++)
        {
            _current = _pages[i];
            footer(this, i + 1, _pages.Count);
        }
        return _pages;
    }

    private SKFont Font(float size)
    {
        if (!_fonts.TryGetValue(size, out var font)) _fonts[size] = font = new SKFont(typeface, size) { Subpixel = true };
        return font;
    }

    public void Dispose()
    {
        foreach (var font in _fonts.Values) font.Dispose();
    }
}
