using Workstation.Platform.Contract;

namespace Workstation.Platform;

/// <summary>What the portal needs from a mutual-recognition platform. The HTTP adapter for the Huizhou/Guangdong
/// contract implements it; another province's adapter can replace it. Every method throws
/// <see cref="PlatformException"/> on failure and never returns a half answer.</summary>
public interface IRecognitionPlatform
{
    /// <summary>Checks that the platform answers and accepts this hospital's credentials (readiness, status page).</summary>
    Task ProbeAsync(CancellationToken cancellationToken);

    Task<RecognitionListData> ListAsync(PatientIdentity patient, CancellationToken cancellationToken);

    Task<IReadOnlyList<RecognisableReport>> QueryAsync(PreciseQueryRequest request, CancellationToken cancellationToken);

    Task<IReadOnlyList<OrderCheckResult>> CheckOrderAsync(
        PatientIdentity patient, IReadOnlyList<OrderCheckItem> items, CancellationToken cancellationToken);

    Task<ReportDetail> GetReportAsync(string reportId, CancellationToken cancellationToken);

    Task<byte[]> GetReportPdfAsync(string reportId, CancellationToken cancellationToken);

    Task<UploadReceipt> UploadPatientAsync(PatientUpload upload, CancellationToken cancellationToken);

    Task<UploadReceipt> UploadDepartmentAsync(DepartmentUpload upload, CancellationToken cancellationToken);

    Task<UploadReceipt> UploadStaffAsync(StaffUpload upload, CancellationToken cancellationToken);

    Task<UploadReceipt> UploadLabAsync(LabReportUpload upload, CancellationToken cancellationToken);

    Task<UploadReceipt> UploadExamAsync(ExamReportUpload upload, CancellationToken cancellationToken);

    /// <summary>Uploads a report PDF; <paramref name="kind"/> is <see cref="ReportKinds"/>.</summary>
    Task<UploadReceipt> UploadPdfAsync(string kind, ReportPdfUpload upload, CancellationToken cancellationToken);

    /// <summary>Revokes a report; <paramref name="kind"/> is <see cref="ReportKinds"/>.</summary>
    Task<UploadReceipt> RevokeAsync(string kind, ReportRevocation revocation, CancellationToken cancellationToken);
}
