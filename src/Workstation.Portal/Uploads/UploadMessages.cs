namespace Workstation.Portal.Uploads;

/// <summary>How uploads sit in the shared outbox: destination, message types, and one ordering key per report (patient →
/// data → PDF → revocation, one after another).</summary>
internal static class UploadMessages
{
    public const string Destination = "platform";

    public const string Patient = "upload-patient";
    public const string LabData = "upload-lab";
    public const string LabPdf = "upload-lab-pdf";
    public const string Revoke = "revoke-lab";
    public const string ExamData = "upload-exam";
    public const string ExamPdf = "upload-exam-pdf";
    public const string RevokeExam = "revoke-exam";

    private const string ReportKeyPrefix = "report:";

    /// <summary>The ordering key of a report's messages.</summary>
    public static string ReportKey(string reportNumber) => ReportKeyPrefix + reportNumber;

    /// <summary>Whether an ordering key is a report's (and not a patient's or a dictionary entry's).</summary>
    public static bool IsReportKey(string? orderingKey) => orderingKey?.StartsWith(ReportKeyPrefix, StringComparison.Ordinal) == true;
}
