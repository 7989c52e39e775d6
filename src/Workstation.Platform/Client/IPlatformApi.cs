using Refit;
using Workstation.Platform.Contract;

namespace Workstation.Platform.Client;

/// <summary>The recognition platform's HTTP contract (docs/platform-contract.md). Calls carry a bearer token
/// added by <see cref="PlatformTokenHandler"/>.</summary>
public interface IPlatformApi
{
    [Post("/api/v1/recognition/list")]
    Task<PlatformEnvelope<RecognitionListData>> ListAsync([Body] RecognitionListRequest request, CancellationToken cancellationToken);

    [Post("/api/v1/recognition/query")]
    Task<PlatformEnvelope<PreciseQueryData>> QueryAsync([Body] PreciseQueryRequest request, CancellationToken cancellationToken);

    [Post("/api/v1/recognition/order-check")]
    Task<PlatformEnvelope<OrderCheckData>> CheckOrderAsync([Body] OrderCheckRequest request, CancellationToken cancellationToken);

    [Get("/api/v1/reports/{reportId}")]
    Task<PlatformEnvelope<ReportDetail>> GetReportAsync(string reportId, CancellationToken cancellationToken);

    [Get("/api/v1/reports/{reportId}/pdf")]
    Task<HttpResponseMessage> GetReportPdfAsync(string reportId, CancellationToken cancellationToken);
}

/// <summary>The upload calls (lab/imaging staff, in bulk from the outbox), on their own client and pipeline: long
/// attempts, no retry (the outbox retries) and no circuit breaker shared with the doctors' calls.</summary>
public interface IPlatformUploadApi
{
    [Post("/api/v1/upload/patient")]
    Task<PlatformEnvelope<UploadReceipt>> UploadPatientAsync([Body] PatientUpload upload, CancellationToken cancellationToken);

    [Post("/api/v1/upload/department")]
    Task<PlatformEnvelope<UploadReceipt>> UploadDepartmentAsync([Body] DepartmentUpload upload, CancellationToken cancellationToken);

    [Post("/api/v1/upload/staff")]
    Task<PlatformEnvelope<UploadReceipt>> UploadStaffAsync([Body] StaffUpload upload, CancellationToken cancellationToken);

    [Post("/api/v1/upload/lab")]
    Task<PlatformEnvelope<UploadReceipt>> UploadLabAsync([Body] LabReportUpload upload, CancellationToken cancellationToken);

    [Post("/api/v1/upload/lab/pdf")]
    Task<PlatformEnvelope<UploadReceipt>> UploadLabPdfAsync([Body] ReportPdfUpload upload, CancellationToken cancellationToken);

    [Post("/api/v1/upload/lab/revoke")]
    Task<PlatformEnvelope<UploadReceipt>> RevokeLabAsync([Body] ReportRevocation revocation, CancellationToken cancellationToken);

    [Post("/api/v1/upload/exam")]
    Task<PlatformEnvelope<UploadReceipt>> UploadExamAsync([Body] ExamReportUpload upload, CancellationToken cancellationToken);

    [Post("/api/v1/upload/exam/pdf")]
    Task<PlatformEnvelope<UploadReceipt>> UploadExamPdfAsync([Body] ReportPdfUpload upload, CancellationToken cancellationToken);

    [Post("/api/v1/upload/exam/revoke")]
    Task<PlatformEnvelope<UploadReceipt>> RevokeExamAsync([Body] ReportRevocation revocation, CancellationToken cancellationToken);
}

/// <summary>The token endpoint, on its own client so that fetching a token never needs a token.</summary>
public interface IPlatformAuthApi
{
    [Post("/api/v1/auth/token")]
    Task<PlatformEnvelope<TokenData>> GetTokenAsync([Body] TokenRequest request, CancellationToken cancellationToken);
}
