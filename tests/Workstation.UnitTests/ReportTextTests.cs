using SkiaSharp;
using Workstation.Reports;

namespace Workstation.UnitTests;

public sealed class ReportTextTests
{
    private static readonly ReportFont Font = ReportFont.Load();

    [Theory]
    [InlineData("110101198001011232", "110101********1232")]
    [InlineData("11010119800101123X", "110101********123X")]
    [InlineData("E12345678", "E1*****78")]
    [InlineData("12345", "****5")]
    public void Identity_numbers_are_masked_as_hospitals_print_them(string id, string printed) =>
        Assert.Equal(printed, ReportText.MaskIdNumber(id));

    [Fact]
    public void Chinese_breaks_between_characters_and_every_line_fits()
    {
        using var font = new SKFont(Font.Typeface, 10);
        const string text = "胸廓对称，气管居中。双肺纹理清晰，右肺上叶尖段见一大小约 6mm×5mm 的磨玻璃结节，边界清楚，密度均匀。";

        var lines = ReportText.Wrap(text, font, 120);

        Assert.True(lines.Count > 3);
        Assert.All(lines, l => Assert.True(font.MeasureText(l) <= 120.01f, $"'{l}' is {font.MeasureText(l)} wide"));
        Assert.Equal(text.Replace(" ", ""), string.Concat(lines).Replace(" ", ""));
        Assert.Contains(lines, l => l.Contains("6mm×5mm")); // a Latin word stays whole
    }

    [Fact]
    public void Closing_punctuation_never_starts_a_line()
    {
        using var font = new SKFont(Font.Typeface, 10);
        var text = string.Concat(Enumerable.Repeat("双肺纹理清晰，未见积液。", 12));

        foreach (var width in new[] { 95f, 100f, 105f, 110f, 118f })
        {
            var lines = ReportText.Wrap(text, font, width);
            Assert.All(lines.Skip(1), l => Assert.DoesNotContain(l[0], "，。"));
            Assert.All(lines, l => Assert.True(font.MeasureText(l) <= width + 0.01f));
        }
    }

    [Fact]
    public void Newlines_start_paragraphs_and_a_word_longer_than_a_line_is_cut()
    {
        using var font = new SKFont(Font.Typeface, 10);

        var lines = ReportText.Wrap("1. 结节\n\n1.2.156.112605.189250946103140.20261125102000.2.4417", font, 80);

        Assert.Equal("1. 结节", lines[0]);
        Assert.Equal("", lines[1]);
        Assert.True(lines.Count >= 4);
        Assert.Equal("1.2.156.112605.189250946103140.20261125102000.2.4417", string.Concat(lines.Skip(2)));
    }
}
