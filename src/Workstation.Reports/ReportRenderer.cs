using System.Globalization;
using SkiaSharp;
using static Workstation.Reports.PageComposer;

namespace Workstation.Reports;

/// <summary>Lays out lab and exam reports on A4 pages as hospitals print them: header with the logo area and the
/// 互认 (HR) mark, patient block, body, signatures, recognition items and "第 x 页 / 共 y 页" footers; the header and
/// the results table's column header repeat on every page. Thread-safe: every call lays out its own document.</summary>
public sealed class ReportRenderer(ReportFont font, TimeProvider? timeProvider = null)
{
    private const float GridSize = 9f, BodySize = 9.5f, GridRow = 15.5f;
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    public ReportDocument Layout(LabReport report)
    {
        var h = report.Header;
        var s = report.Specimen;
        Cell[][] grid =
        [
            [.. PatientRow(h.Patient)],
            [.. IdentityRow(h.Patient)],
            [new("检验项目", h.ItemName), new("标本类型", s.Category.Name), new("标本编号", s.Number), new("采集时间", Time(s.CollectedAt))],
            [new("接收时间", Time(s.ReceivedAt)), new("检验时间", Time(report.TestedAt)), new("报告时间", Time(h.ReportedAt)), new("审核时间", Time(h.ApprovedAt))],
        ];
        using var c = new PageComposer(font.Typeface, page => PageHeader(page, h, "检验报告单", grid));
        c.StartPage();
        LabTable(c, report.Analytes);
        if (!string.IsNullOrWhiteSpace(report.Notes)) Paragraphs(c, "备注", report.Notes, BodySize);
        Closing(c, h, [("检验者", report.Technician.Name, report.TestedAt), ("报告者", h.Reporter.Name, h.ReportedAt), ("审核者", h.Approver.Name, h.ApprovedAt)]);
        var pages = c.Finish((page, number, total) => Footer(page, h, number, total, "本报告仅对所检标本负责，结果供临床参考。"));
        return new ReportDocument(font, pages, $"{h.ItemName} 检验报告单 {h.ReportNumber}", h.Hospital.Name,
            $"检验报告单 {h.Patient.Name}", _time.GetUtcNow());
    }

    public ReportDocument Layout(ExamReport report)
    {
        var h = report.Header;
        Cell[][] grid =
        [
            [.. PatientRow(h.Patient)],
            [.. IdentityRow(h.Patient)],
            [new("检查项目", h.ItemName), new("检查类型", report.Modality.Name), new("检查部位", report.BodyPart), new("检查号", report.StudyNumber)],
            [new("检查时间", Time(report.ExaminedAt)), new("图像数", report.ImageCount.ToString(CultureInfo.InvariantCulture)),
                new("Study UID", report.StudyInstanceUid, Span: 2, Size: 8f)],
        ];
        using var c = new PageComposer(font.Typeface, page => PageHeader(page, h, "检查报告单", grid));
        c.StartPage();
        Paragraphs(c, "检查所见", report.Findings, 10.5f);
        Paragraphs(c, "诊断意见", report.Impression, 10.5f, report.Positive switch { true => ("阳性", Alert), false => ("阴性", Muted), null => null });
        if (!string.IsNullOrWhiteSpace(report.Advice)) Paragraphs(c, "建议", report.Advice, 10.5f);
        Closing(c, h, [("报告医师", h.Reporter.Name, h.ReportedAt), ("审核医师", h.Approver.Name, h.ApprovedAt)]);
        var pages = c.Finish((page, number, total) => Footer(page, h, number, total, "本报告仅供临床参考，请结合临床综合分析。"));
        return new ReportDocument(font, pages, $"{h.ItemName} 检查报告单 {h.ReportNumber}", h.Hospital.Name,
            $"检查报告单 {h.Patient.Name}", _time.GetUtcNow());
    }

    public byte[] RenderPdf(LabReport report) => Layout(report).ToPdf();

    public byte[] RenderPdf(ExamReport report) => Layout(report).ToPdf();

    private sealed record Cell(string Label, string Value, int Span = 1, float Size = GridSize);

    private static IEnumerable<Cell> PatientRow(ReportPatient p) =>
        [new("姓名", p.Name), new("性别", p.Sex), new("年龄", p.Age), new("病人ID", p.PatientId)];

    private static IEnumerable<Cell> IdentityRow(ReportPatient p) =>
        [new("证件号", ReportText.MaskIdNumber(p.IdNumber)), new("就诊号", p.VisitNumber), new("科室", p.Department.Name), new("床号", p.Bed ?? "—")];

    private static string Time(DateTimeOffset t) => t.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    private static void PageHeader(PageComposer c, ReportHeader h, string title, Cell[][] grid)
    {
        // Logo area: the hospital's emblem goes here; until one is configured, a seal-like mark with its short name.
        const float logo = 23f;
        c.Circle(Left + logo, Top + logo, logo, 1.2f, Rule);
        c.Circle(Left + logo, Top + logo, logo - 3.5f, 0.5f, Rule);
        c.Text(ShortName(h.Hospital.Name), Left + logo, Top + logo + 4f, 11f, Ink, SKTextAlign.Center, bold: true);

        var center = Left + Width / 2;
        c.Text(h.Hospital.Name, center, Top + 20f, 18f, Ink, SKTextAlign.Center, bold: true);
        c.Text(title, center, Top + 44f, 15f, Ink, SKTextAlign.Center, bold: true);
        if (h.Recognisable)
        {
            c.Box(Right - 60f, Top + 1f, Right, Top + 45f, null, 1.6f, Alert, 6f);
            c.Text("互认", Right - 30f, Top + 22f, 15f, Alert, SKTextAlign.Center, bold: true);
            c.Text("HR", Right - 30f, Top + 39f, 11f, Alert, SKTextAlign.Center, bold: true);
        }

        var meta = Top + 66f;
        c.Text($"报告单编号：{h.ReportNumber}", Left, meta, GridSize);
        c.Text($"电子申请单编号：{h.RequestNumber}", center, meta, GridSize, align: SKTextAlign.Center);
        c.Text(h.Status == ReportStatus.Final ? "最终报告" : "临时报告", Right, meta, GridSize,
            h.Status == ReportStatus.Final ? Ink : Alert, SKTextAlign.Right);
        c.Line(Left, meta + 6f, Right, meta + 6f, 1.2f);

        var y = meta + 22f;
        foreach (var row in grid)
        {
            var x = Left;
            var column = 0;
            foreach (var cell in row)
            {
                var width = GridColumns.Skip(column).Take(cell.Span).Sum();
                var label = cell.Label + "：";
                var labelWidth = c.Measure(label, GridSize);
                // A long value (a study UID) shrinks to fit its cell rather than run into the next one or off the page.
                var size = cell.Size;
                while (size > 6.5f && c.Measure(cell.Value, size) > width - labelWidth - 4f) size -= 0.5f;
                c.Text(label, x, y, GridSize, Muted);
                c.Text(cell.Value, x + labelWidth, y, size);
                x += width;
                column += cell.Span;
            }
            y += GridRow;
        }
        c.Line(Left, y - 8f, Right, y - 8f, 0.6f);
        c.Y = y + 2f;
    }

    /// <summary>Widths of the patient block's four columns: the first holds the masked identity number.</summary>
    private static readonly float[] GridColumns = [140f, 124f, 124f, Width - 388f];

    private static string ShortName(string hospital)
    {
        var name = hospital.Replace("市", "").Replace("省", "");
        return name.Length >= 2 ? name[..2] : name;
    }

    private sealed record Column(string Title, float Width, SKTextAlign Align);

    private static readonly Column[] LabColumns =
    [
        new("序号", 26f, SKTextAlign.Center), new("代码", 56f, SKTextAlign.Left), new("检验项目", 150f, SKTextAlign.Left),
        new("结果", 78f, SKTextAlign.Left), new("提示", 30f, SKTextAlign.Center), new("单位", 72f, SKTextAlign.Left),
        new("参考范围", Width - 412f, SKTextAlign.Left),
    ];

    private static void LabTable(PageComposer c, IReadOnlyList<LabAnalyte> analytes)
    {
        const float padding = 3f, lineHeight = 12f;
        c.ContinuationHeader = TableHeader;
        c.ContinuationFooter = page =>
        {
            page.Line(Left, page.Y + 1f, Right, page.Y + 1f, 0.8f);
            page.Text("（续下页）", Right, page.Y + 11f, 8f, Muted, SKTextAlign.Right);
        };
        TableHeader(c);
        for (var i = 0; i < analytes.Count; i++)
        {
            var a = analytes[i];
            var abnormal = a.Flag != AbnormalFlag.Normal;
            var result = string.Join(" ", new[] { a.Value, a.QualitativeResult }.Where(v => !string.IsNullOrWhiteSpace(v)));
            string[] cells = [(i + 1).ToString(CultureInfo.InvariantCulture), a.Code, a.Name, result, Arrow(a.Flag), a.Unit, a.ReferenceRange];
            var wrapped = cells.Select((text, k) => c.Wrap(text, BodySize, LabColumns[k].Width - 2 * padding)).ToArray();
            var height = wrapped.Max(w => w.Count) * lineHeight + 3.5f;
            c.EnsureSpace(height);
            if (i % 2 == 1) c.Box(Left, c.Y, Right, c.Y + height, Zebra);
            var x = Left;
            for (var k = 0; k < LabColumns.Length; k++)
            {
                var col = LabColumns[k];
                var alert = abnormal && k is 3 or 4;
                var size = k == 1 ? 8.5f : BodySize;
                for (var line = 0; line < wrapped[k].Count; line++)
                {
                    var tx = col.Align == SKTextAlign.Center ? x + col.Width / 2 : x + padding;
                    c.Text(wrapped[k][line], tx, c.Y + 11.5f + line * lineHeight, size, alert ? Alert : k == 1 ? Muted : Ink, col.Align);
                }
                x += col.Width;
            }
            c.Y += height;
        }
        c.ContinuationHeader = null;
        c.ContinuationFooter = null;
        c.Line(Left, c.Y + 1f, Right, c.Y + 1f, 0.8f);
        c.Y += 14f;

        static void TableHeader(PageComposer c)
        {
            c.Box(Left, c.Y, Right, c.Y + 18f, HeaderFill);
            c.Line(Left, c.Y, Right, c.Y, 0.8f);
            var x = Left;
            foreach (var col in LabColumns)
            {
                c.Text(col.Title, col.Align == SKTextAlign.Center ? x + col.Width / 2 : x + 3f, c.Y + 13f, BodySize, Ink, col.Align);
                x += col.Width;
            }
            c.Line(Left, c.Y + 18f, Right, c.Y + 18f, 0.6f);
            c.Y += 20f;
        }
    }

    private static string Arrow(AbnormalFlag flag) => flag switch
    {
        AbnormalFlag.High => "↑",
        AbnormalFlag.Low => "↓",
        AbnormalFlag.CriticalHigh => "↑↑",
        AbnormalFlag.CriticalLow => "↓↓",
        _ => "",
    };

    /// <summary>A titled block of text that may continue on the next page line by line.</summary>
    private static void Paragraphs(PageComposer c, string title, string text, float size, (string Text, SKColor Color)? tag = null)
    {
        var lineHeight = size * 1.7f;
        var lines = c.Wrap(text, size, Width - 16f);
        c.EnsureSpace(22f + lineHeight * Math.Min(2, lines.Count));
        c.Text(title + "：", Left, c.Y + 12f, 11f, Ink);
        if (tag is { } t)
        {
            var x = Left + c.Measure(title + "：", 11f) + 10f;
            var w = c.Measure(t.Text, 10f) + 12f;
            c.Box(x, c.Y + 1f, x + w, c.Y + 16f, null, 1f, t.Color, 3f);
            c.Text(t.Text, x + w / 2, c.Y + 12.5f, 10f, t.Color, SKTextAlign.Center);
        }
        c.Y += 20f;
        foreach (var line in lines)
        {
            c.EnsureSpace(lineHeight);
            c.Text(line, Left + 16f, c.Y + size, size);
            c.Y += lineHeight;
        }
        c.Y += 8f;
    }

    /// <summary>Signatures with their times, then the recognition items and mark: kept together on one page.</summary>
    private static void Closing(PageComposer c, ReportHeader h, (string Role, string Name, DateTimeOffset At)[] staff)
    {
        var codes = h.RecognitionItemCodes.Count > 0 ? string.Join("、", h.RecognitionItemCodes) : "—";
        var codeLines = c.Wrap($"互认项目编码：{codes}", GridSize, Width);
        c.EnsureSpace(44f + 14f * (codeLines.Count + 1) + 6f);

        c.Line(Left, c.Y, Right, c.Y, 0.4f, LightRule);
        var column = Width / 3;
        for (var i = 0; i < staff.Length; i++)
        {
            var (role, name, at) = staff[i];
            var x = Left + i * column;
            c.Text(role + "：", x, c.Y + 18f, 10f, Muted);
            c.Text(name, x + c.Measure(role + "：", 10f), c.Y + 18f, 11f, Ink);
            c.Text(Time(at), x, c.Y + 33f, 8.5f, Muted);
        }
        c.Y += 44f;

        c.Line(Left, c.Y, Right, c.Y, 0.4f, LightRule);
        c.Y += 14f;
        foreach (var line in codeLines)
        {
            c.Text(line, Left, c.Y, GridSize);
            c.Y += 14f;
        }
        c.Text(h.Recognisable ? "互认标识：HR（本报告可在检查检验结果互认医疗机构间互认）" : "互认标识：无（本报告项目不在互认范围内）",
            Left, c.Y, GridSize, h.Recognisable ? Alert : Muted);
        c.Y += 6f;
    }

    private static void Footer(PageComposer c, ReportHeader h, int number, int total, string disclaimer)
    {
        c.Line(Left, FooterRule, Right, FooterRule, 0.5f, LightRule);
        c.Text(disclaimer, Left, FooterRule + 14f, 8f, Muted);
        c.Text($"第 {number} 页 / 共 {total} 页", Left + Width / 2, FooterRule + 14f, 9f, Ink, SKTextAlign.Center);
        c.Text(h.ReportNumber, Right, FooterRule + 14f, 8f, Muted, SKTextAlign.Right);
    }
}
