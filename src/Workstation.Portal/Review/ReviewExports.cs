using System.Globalization;
using System.Resources;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration.Attributes;
using MiniExcelLibs;
using MiniExcelLibs.Attributes;
using Workstation.Portal.Localization;

namespace Workstation.Portal.Review;

/// <summary>One exported decision, with Chinese headers (inspectors read the files as they are).</summary>
internal sealed class DecisionExportRow
{
    [Name("编号"), ExcelColumnName("编号")] public long Id { get; set; }
    [Name("决定时间"), ExcelColumnName("决定时间")] public string DecidedAt { get; set; } = "";
    [Name("弹窗时间"), ExcelColumnName("弹窗时间")] public string PresentedAt { get; set; } = "";
    [Name("科室代码"), ExcelColumnName("科室代码")] public string DepartmentCode { get; set; } = "";
    [Name("科室"), ExcelColumnName("科室")] public string Department { get; set; } = "";
    [Name("医生工号"), ExcelColumnName("医生工号")] public string DoctorId { get; set; } = "";
    [Name("医生"), ExcelColumnName("医生")] public string Doctor { get; set; } = "";
    [Name("就诊类型"), ExcelColumnName("就诊类型")] public string Setting { get; set; } = "";
    [Name("渠道"), ExcelColumnName("渠道")] public string Channel { get; set; } = "";
    [Name("患者ID"), ExcelColumnName("患者ID")] public string PatientId { get; set; } = "";
    [Name("项目代码"), ExcelColumnName("项目代码")] public string ItemCode { get; set; } = "";
    [Name("项目"), ExcelColumnName("项目")] public string Item { get; set; } = "";
    [Name("报告机构"), ExcelColumnName("报告机构")] public string Institution { get; set; } = "";
    [Name("报告日期"), ExcelColumnName("报告日期")] public string ReportDate { get; set; } = "";
    [Name("结果"), ExcelColumnName("结果")] public string Outcome { get; set; } = "";
    [Name("不互认原因"), ExcelColumnName("不互认原因")] public string Reasons { get; set; } = "";
    [Name("说明"), ExcelColumnName("说明")] public string FreeText { get; set; } = "";
    [Name("留存状态"), ExcelColumnName("留存状态")] public string RetainStatus { get; set; } = "";
}

/// <summary>One month of the summary export.</summary>
internal sealed class MonthlySummaryRow
{
    [Name("月份"), ExcelColumnName("月份")] public string Month { get; set; } = "";
    [Name("决定数"), ExcelColumnName("决定数")] public int Decisions { get; set; }
    [Name("互认"), ExcelColumnName("互认")] public int Recognised { get; set; }
    [Name("不互认"), ExcelColumnName("不互认")] public int Declined { get; set; }
    [Name("弹窗互认率"), ExcelColumnName("弹窗互认率")] public string DialogRate { get; set; } = "";
    [Name("互认率分子"), ExcelColumnName("互认率分子")] public int RecognitionRateNumerator { get; set; }
    [Name("互认率分母"), ExcelColumnName("互认率分母")] public int RecognitionRateDenominator { get; set; }
    [Name("互认率"), ExcelColumnName("互认率")] public string RecognitionRate { get; set; } = "";
    [Name("互认率口径"), ExcelColumnName("互认率口径")] public string RecognitionRateBasis { get; set; } = "";
    [Name("未核验"), ExcelColumnName("未核验")] public int NotChecked { get; set; }
    [Name("事后已核验"), ExcelColumnName("事后已核验")] public int Reconciled { get; set; }
    [Name("估算节省费用(元)"), ExcelColumnName("估算节省费用(元)")] public decimal CostAvoided { get; set; }
    [Name("危急值数(按标本)"), ExcelColumnName("危急值数(按标本)")] public int CriticalValues { get; set; }
    [Name("危急值通报率(CL-14)"), ExcelColumnName("危急值通报率(CL-14)")] public string NotificationRate { get; set; } = "";
    [Name("危急值通报及时率(CL-15)"), ExcelColumnName("危急值通报及时率(CL-15)")] public string TimelyRate { get; set; } = "";
    [Name("升级数"), ExcelColumnName("升级数")] public int Escalated { get; set; }
}

internal static class ExportFormats
{
    public const string Csv = "csv";
    public const string Xlsx = "xlsx";

    public static string ContentType(string format) => format == Xlsx
        ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        : "text/csv; charset=utf-8";
}

/// <summary>Writes exports row by row: CSV straight to the response, XLSX to a temporary file first (a zip needs its
/// central directory at the end) and then copied; neither holds the rows in memory.</summary>
internal static class ReviewExportWriter
{
    private static readonly ResourceManager Resources = new(typeof(SharedResource));

    public static DecisionExportRow ToExport(DecisionRow d, TimeSpan utcOffset) => new()
    {
        Id = d.Id,
        DecidedAt = Local(d.DecidedAt, utcOffset, "yyyy-MM-dd HH:mm:ss"),
        PresentedAt = Local(d.PresentedAt, utcOffset, "yyyy-MM-dd HH:mm:ss"),
        DepartmentCode = d.DepartmentCode, Department = d.DepartmentName, DoctorId = d.DoctorId, Doctor = d.DoctorName,
        Setting = Zh("Setting." + d.Setting), Channel = Zh("Channel." + d.Channel), PatientId = d.PatientId, ItemCode = d.ItemCode, Item = d.ItemName, Institution = d.Institution,
        ReportDate = Local(d.ReportDate, utcOffset, "yyyy-MM-dd"),
        Outcome = Zh("Review.Outcome." + d.Outcome),
        Reasons = string.Join("；", d.Reasons.Select(r => Zh("Decline." + r))),
        FreeText = d.FreeText ?? "", RetainStatus = d.RetainStatus,
    };

    public static async Task WriteCsvAsync<T>(Stream output, IAsyncEnumerable<T> rows, CancellationToken cancellationToken)
    {
        // UTF-8 with BOM so that Excel opens the Chinese headers correctly.
        await using var writer = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), 64 * 1024, leaveOpen: true);
        await using var csv = new CsvWriter(writer, CultureInfo.InvariantCulture);
        csv.WriteHeader<T>();
        await csv.NextRecordAsync();
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            csv.WriteRecord(row);
            await csv.NextRecordAsync();
        }
        await csv.FlushAsync();
    }

    /// <summary>Writes the rows to a temporary file (deleted when the returned stream closes), positioned at 0.</summary>
    public static async Task<Stream> WriteXlsxAsync<T>(IEnumerable<T> rows, string sheetName, CancellationToken cancellationToken)
    {
        var path = Path.Combine(Path.GetTempPath(), "workstation-export-" + Guid.NewGuid().ToString("N") + ".xlsx");
        var file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.DeleteOnClose);
        try
        {
            // MiniExcel enumerates synchronously: run it off the request thread.
            await Task.Run(() => file.SaveAs(rows, sheetName: sheetName, excelType: ExcelType.XLSX), cancellationToken);
            file.Position = 0;
            return file;
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
    }

    private static string Zh(string key) => Resources.GetString(key, Localization.UiCulture.Chinese) ?? key;

    private static string Local(DateTime utc, TimeSpan offset, string format) =>
        (DateTime.SpecifyKind(utc, DateTimeKind.Utc) + offset).ToString(format, CultureInfo.InvariantCulture);
}
