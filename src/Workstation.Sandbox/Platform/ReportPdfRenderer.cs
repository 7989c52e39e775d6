using SkiaSharp;
using Workstation.Platform.Contract;

namespace Workstation.Sandbox.Platform;

/// <summary>Draws a one-page A4 report PDF with SkiaSharp, embedding a CJK TrueType font when the machine has one.</summary>
internal static class ReportPdfRenderer
{
    private static readonly string[] FontCandidates =
    [
        "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    ];

    private static readonly Lazy<SKTypeface> Typeface = new(() =>
        FontCandidates.Where(File.Exists).Select(SKTypeface.FromFile).FirstOrDefault(t => t is not null)
        ?? SKFontManager.Default.MatchCharacter('中')
        ?? SKTypeface.Default);

    public static byte[] Render(StoredReport report)
    {
        using var stream = new MemoryStream();
        using (var document = SKDocument.CreatePdf(stream, new SKDocumentPdfMetadata
               {
                   Title = $"{report.Summary.ItemName} - {report.Summary.InstitutionName}",
                   Producer = "Workstation sandbox platform",
               }))
        {
            var canvas = document.BeginPage(595, 842);
            using var title = new SKFont(Typeface.Value, 20);
            using var body = new SKFont(Typeface.Value, 11);
            using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
            using var rule = new SKPaint { Color = SKColors.Gray, StrokeWidth = 0.8f };

            float y = 60;
            canvas.DrawText(report.Summary.InstitutionName, 297, y, SKTextAlign.Center, title, ink);
            y += 26;
            canvas.DrawText($"{report.Summary.ItemName} 报告单", 297, y, SKTextAlign.Center, body, ink);
            y += 24;
            canvas.DrawText($"姓名：{report.Patient.Name}    证件号：{Mask(report.Patient.IdNumber)}    报告编号：{report.Summary.ReportId}", 40, y, SKTextAlign.Left, body, ink);
            y += 18;
            canvas.DrawText($"报告时间：{report.Summary.ReportDate.ToLocalTime():yyyy-MM-dd HH:mm}    有效期至：{report.Summary.ValidUntil.ToLocalTime():yyyy-MM-dd}    互认标识：{report.Summary.RecognitionMark}", 40, y, SKTextAlign.Left, body, ink);
            y += 10;
            canvas.DrawLine(40, y, 555, y, rule);
            y += 22;

            if (report.Summary.Kind == ReportKinds.Lab)
            {
                canvas.DrawText("项目", 40, y, SKTextAlign.Left, body, ink);
                canvas.DrawText("结果", 260, y, SKTextAlign.Left, body, ink);
                canvas.DrawText("单位", 340, y, SKTextAlign.Left, body, ink);
                canvas.DrawText("参考范围", 430, y, SKTextAlign.Left, body, ink);
                y += 18;
                foreach (var r in report.LabResults)
                {
                    canvas.DrawText($"{r.Name} ({r.Code})", 40, y, SKTextAlign.Left, body, ink);
                    canvas.DrawText(r.Flag == "N" ? r.Value : $"{r.Value} {(r.Flag == "H" ? "↑" : "↓")}", 260, y, SKTextAlign.Left, body, ink);
                    canvas.DrawText(r.Unit, 340, y, SKTextAlign.Left, body, ink);
                    canvas.DrawText(r.ReferenceRange, 430, y, SKTextAlign.Left, body, ink);
                    y += 18;
                }
            }
            else
            {
                y = DrawParagraph(canvas, "检查所见：" + report.Findings, y, body, ink);
                y = DrawParagraph(canvas, "诊断意见：" + report.Impression, y + 10, body, ink);
            }

            canvas.DrawLine(40, 780, 555, 780, rule);
            canvas.DrawText("本报告由检查检验结果互认共享平台提供，仅供临床参考。", 40, 800, SKTextAlign.Left, body, ink);
            document.EndPage();
            document.Close();
        }
        return stream.ToArray();
    }

    private static float DrawParagraph(SKCanvas canvas, string text, float y, SKFont font, SKPaint paint)
    {
        const int perLine = 42;
        for (var i = 0; i < text.Length; i += perLine)
        {
            canvas.DrawText(text.Substring(i, Math.Min(perLine, text.Length - i)), 40, y, SKTextAlign.Left, font, paint);
            y += 18;
        }
        return y;
    }

    private static string Mask(string id) => id.Length <= 8 ? id : id[..4] + new string('*', id.Length - 8) + id[^4..];
}
