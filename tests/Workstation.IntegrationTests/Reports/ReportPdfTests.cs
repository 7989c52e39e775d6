using Workstation.Reports;

namespace Workstation.IntegrationTests.Reports;

/// <summary>The report templates as another hospital's doctor receives them: real PDFs read back by poppler.
/// The PDFs and their 80 dpi PNG renderings stay under artifacts/reports/ to be looked at.</summary>
public sealed class ReportPdfTests
{
    private static readonly ReportRenderer Renderer = new(ReportFont.Load());

    private static async Task<string> SaveAsync(string name, byte[] pdf)
    {
        var path = Path.Combine(PopplerTools.ArtifactDirectory, name + ".pdf");
        await File.WriteAllBytesAsync(path, pdf, TestContext.Current.CancellationToken);
        var pngs = await PopplerTools.RenderPngAsync(path);
        Assert.NotEmpty(pngs);
        return path;
    }

    [Fact]
    public async Task A_lab_report_holds_the_patient_every_value_unit_and_reference_range_as_text()
    {
        var report = SampleReports.BloodCount();
        var path = await SaveAsync("lab-blood-count", Renderer.RenderPdf(report));

        var text = await PopplerTools.TextAsync(path);

        Assert.Contains("张伟", text);
        Assert.Contains("110101********1232", text);
        Assert.DoesNotContain(report.Header.Patient.IdNumber, text);
        Assert.Contains("L20261125-0001", text);
        Assert.Contains("惠州市演示医院", text);
        foreach (var a in report.Analytes)
        {
            Assert.Contains(a.Name, text);
            Assert.Contains(a.Value!, text);
            Assert.Contains(a.Unit, text);
            Assert.Contains(a.ReferenceRange, text);
        }
        Assert.Contains("↑", text);
        Assert.Contains("↓", text);
        Assert.Contains("互认", text);
        Assert.Contains("HR-LAB-001", text);
        Assert.Contains("第1页/共1页", Flat(text));
        Assert.Contains("陈静", text); // reporting doctor
        Assert.Contains("刘建国", text); // approving doctor
    }

    [Fact]
    public async Task A_60_row_lab_report_runs_to_two_pages_with_the_table_header_repeated()
    {
        var report = SampleReports.Panel(60);
        var document = Renderer.Layout(report);
        var pdf = document.ToPdf();
        var path = await SaveAsync("lab-panel-60-rows", pdf);
        // The font is subset per document: the upload carries tens of kilobytes, not the 10 MB font program.
        Assert.InRange(pdf.Length, 1_000, 300_000);

        var pages = (await PopplerTools.TextAsync(path)).Split('\f', StringSplitOptions.RemoveEmptyEntries)
            .Where(p => p.Trim().Length > 0).ToArray();

        Assert.True(pages.Length >= 2, $"expected 2+ pages, got {pages.Length}");
        Assert.Equal(document.PageCount, pages.Length);
        for (var i = 0; i < pages.Length; i++)
        {
            Assert.Contains("参考范围", pages[i]); // the table header, on every page
            Assert.Contains("欧阳晓燕", pages[i]); // the patient block, on every page
            Assert.Contains($"第{i + 1}页/共{pages.Length}页", Flat(pages[i]));
        }
        var all = string.Join("\n", pages);
        foreach (var a in report.Analytes)
        {
            Assert.Contains(a.Code, all);
            Assert.Contains(a.Value!, all);
        }
        Assert.Contains(report.Analytes[^1].Code, pages[^1]);
        Assert.Contains("审核者", pages[^1]);
    }

    [Fact]
    public async Task An_exam_report_holds_findings_impression_and_study_as_text()
    {
        var report = SampleReports.ChestCt();
        var path = await SaveAsync("exam-chest-ct", Renderer.RenderPdf(report));

        var text = await PopplerTools.TextAsync(path);
        var flat = Flat(text);

        Assert.Contains("欧阳晓燕", text);
        Assert.Contains("检查所见", text);
        Assert.Contains("诊断意见", text);
        Assert.Contains("阳性", text);
        Assert.Contains(report.StudyNumber, text);
        Assert.Contains(report.StudyInstanceUid, flat);
        Assert.Contains("286", text);
        // Wrapped paragraphs lose no character.
        Assert.Contains(Flat(report.Findings), flat);
        Assert.Contains(Flat(report.Impression), flat);
    }

    [Fact]
    public async Task The_pdf_carries_title_author_and_creation_time()
    {
        var created = new DateTimeOffset(2026, 11, 25, 2, 0, 0, TimeSpan.Zero);
        var renderer = new ReportRenderer(ReportFont.Load(), new FixedTime(created));
        var path = Path.Combine(PopplerTools.ArtifactDirectory, "metadata-check.pdf");
        await File.WriteAllBytesAsync(path, renderer.RenderPdf(SampleReports.BloodCount()), TestContext.Current.CancellationToken);

        var info = await PopplerTools.InfoAsync(path);
        File.Delete(path);

        Assert.Contains("血常规 检验报告单 L20261125-0001", info);
        Assert.Matches(@"Author:\s+惠州市演示医院", info);
        Assert.Contains("2026", info);
        Assert.Contains("(A4)", info);
    }

    [Fact]
    public void A_page_renders_to_a_png_for_browsers_without_a_pdf_viewer()
    {
        var png = Renderer.Layout(SampleReports.Panel(60)).RenderPagePng(2, dpi: 72);

        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
        var width = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16));
        var height = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20));
        Assert.Equal(596, width);
        Assert.Equal(842, height);
        File.WriteAllBytes(Path.Combine(PopplerTools.ArtifactDirectory, "lab-panel-60-rows-page2-skia.png"),
            Renderer.Layout(SampleReports.Panel(60)).RenderPagePng(2));
    }

    [Fact]
    public void A_preliminary_report_of_an_item_not_recognised_says_so_and_carries_no_HR_mark()
    {
        var sample = SampleReports.BloodCount();
        var report = sample with { Header = sample.Header with { Status = ReportStatus.Preliminary, Recognisable = false } };

        var text = Renderer.Layout(report).PageText(1).ToList();

        Assert.Contains("临时报告", text);
        Assert.DoesNotContain("最终报告", text);
        Assert.DoesNotContain("HR", text);
        Assert.Contains(text, t => t.StartsWith("互认标识：无"));
    }

    [Fact]
    public void A_configured_font_that_is_missing_or_not_a_font_gives_a_clear_error_naming_the_key()
    {
        var ex = Assert.Throws<ReportFontException>(() => ReportFont.Load("/nonexistent/wqy-zenhei.ttc"));
        Assert.Contains("/nonexistent/wqy-zenhei.ttc does not exist", ex.Message);
        Assert.Contains("Reports:FontPath", ex.Message);

        var notAFont = Path.GetTempFileName();
        File.WriteAllText(notAFont, "not a font");
        var bad = Assert.Throws<ReportFontException>(() => ReportFont.Load(notAFont));
        Assert.Contains("not a font", bad.Message);
        Assert.Contains("Reports:FontPath", bad.Message);
    }

    [Fact]
    public void With_no_font_configured_the_font_brought_with_the_build_is_used_and_no_system_font_is_needed()
    {
        using var font = ReportFont.Load();
        Assert.Equal(ReportFont.BundledPath, font.Path);
        Assert.StartsWith(AppContext.BaseDirectory, font.Path);
        Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(font.Path)!, "LICENSE-Apache-2.0.txt")), "the font's licence travels with it");
    }

    [Fact]
    public async Task The_platform_simulator_draws_its_reports_with_the_same_templates()
    {
        await using var h = await Workstation.IntegrationTests.Platform.PlatformHarness.StartAsync();
        var list = await h.Client.ListAsync(Workstation.IntegrationTests.Platform.PlatformHarness.Zhang, TestContext.Current.CancellationToken);
        var cbc = list.Items.First(r => r.ItemCode == "L001");
        var detail = await h.Client.GetReportAsync(cbc.ReportId, TestContext.Current.CancellationToken);

        var path = await SaveAsync("sandbox-platform-lab", await h.Client.GetReportPdfAsync(cbc.ReportId, TestContext.Current.CancellationToken));
        var text = await PopplerTools.TextAsync(path);

        Assert.Contains(cbc.InstitutionName, text);
        Assert.Contains("检验报告单", text);
        Assert.Contains(Workstation.IntegrationTests.Platform.PlatformHarness.Zhang.Name, text);
        foreach (var r in detail.LabResults)
        {
            Assert.Contains(r.Value, text);
            Assert.Contains(r.ReferenceRange, text);
        }
        Assert.Contains("第1页/共1页", Flat(text));
    }

    /// <summary>pdftotext spaces text by glyph positions; comparisons ignore whitespace where the layout decides it.</summary>
    private static string Flat(string text) => string.Concat(text.Where(c => !char.IsWhiteSpace(c)));

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
