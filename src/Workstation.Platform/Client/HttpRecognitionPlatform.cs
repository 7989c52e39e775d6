using Microsoft.Extensions.Logging;
using Workstation.Platform.Contract;

namespace Workstation.Platform.Client;

/// <summary>The HTTP adapter: unwraps the envelope and turns every failure into a <see cref="PlatformException"/>.</summary>
public sealed class HttpRecognitionPlatform(
    IPlatformApi api, IPlatformUploadApi uploads, PlatformTokenProvider tokens, PlatformAvailability availability,
    ILogger<HttpRecognitionPlatform> logger)
    : IRecognitionPlatform
{
    public Task ProbeAsync(CancellationToken cancellationToken) => tokens.ProbeAsync(cancellationToken);

    public Task<RecognitionListData> ListAsync(PatientIdentity patient, CancellationToken cancellationToken) =>
        CallAsync("list", () => api.ListAsync(new RecognitionListRequest(patient), cancellationToken));

    public async Task<IReadOnlyList<RecognisableReport>> QueryAsync(PreciseQueryRequest request, CancellationToken cancellationToken) =>
        (await CallAsync("query", () => api.QueryAsync(request, cancellationToken))).Reports;

    public async Task<IReadOnlyList<OrderCheckResult>> CheckOrderAsync(
        PatientIdentity patient, IReadOnlyList<OrderCheckItem> items, CancellationToken cancellationToken) =>
        (await CallAsync("order-check", () => api.CheckOrderAsync(new OrderCheckRequest(patient, items), cancellationToken))).Items;

    public Task<ReportDetail> GetReportAsync(string reportId, CancellationToken cancellationToken) =>
        CallAsync("report", () => api.GetReportAsync(reportId, cancellationToken));

    public async Task<byte[]> GetReportPdfAsync(string reportId, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await api.GetReportPdfAsync(reportId, cancellationToken);
            if (!response.IsSuccessStatusCode)
                throw new PlatformException((int)response.StatusCode >= 500 ? PlatformFailure.Unavailable : PlatformFailure.Rejected,
                    $"The platform answered {(int)response.StatusCode} for the report PDF.") { HttpStatus = (int)response.StatusCode };
            if (response.Content.Headers.ContentType?.MediaType != "application/pdf")
                throw new PlatformException(PlatformFailure.Malformed, "The platform's report file is not a PDF.");
            return await response.Content.ReadAsByteArrayAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not PlatformException)
        {
            throw Fail(ex, "report-pdf");
        }
    }

    public Task<UploadReceipt> UploadPatientAsync(PatientUpload upload, CancellationToken cancellationToken) =>
        CallAsync("upload-patient", () => uploads.UploadPatientAsync(upload, cancellationToken));

    public Task<UploadReceipt> UploadDepartmentAsync(DepartmentUpload upload, CancellationToken cancellationToken) =>
        CallAsync("upload-department", () => uploads.UploadDepartmentAsync(upload, cancellationToken));

    public Task<UploadReceipt> UploadStaffAsync(StaffUpload upload, CancellationToken cancellationToken) =>
        CallAsync("upload-staff", () => uploads.UploadStaffAsync(upload, cancellationToken));

    public Task<UploadReceipt> UploadLabAsync(LabReportUpload upload, CancellationToken cancellationToken) =>
        CallAsync("upload-lab", () => uploads.UploadLabAsync(upload, cancellationToken));

    public Task<UploadReceipt> UploadExamAsync(ExamReportUpload upload, CancellationToken cancellationToken) =>
        CallAsync("upload-exam", () => uploads.UploadExamAsync(upload, cancellationToken));

    public Task<UploadReceipt> UploadPdfAsync(string kind, ReportPdfUpload upload, CancellationToken cancellationToken) =>
        kind == ReportKinds.Lab
            ? CallAsync("upload-lab-pdf", () => uploads.UploadLabPdfAsync(upload, cancellationToken))
            : CallAsync("upload-exam-pdf", () => uploads.UploadExamPdfAsync(upload, cancellationToken));

    public Task<UploadReceipt> RevokeAsync(string kind, ReportRevocation revocation, CancellationToken cancellationToken) =>
        kind == ReportKinds.Lab
            ? CallAsync("revoke-lab", () => uploads.RevokeLabAsync(revocation, cancellationToken))
            : CallAsync("revoke-exam", () => uploads.RevokeExamAsync(revocation, cancellationToken));

    private async Task<T> CallAsync<T>(string operation, Func<Task<PlatformEnvelope<T>>> call)
    {
        PlatformEnvelope<T>? envelope;
        try
        {
            envelope = await call();
        }
        catch (Exception ex)
        {
            throw Fail(ex, operation);
        }

        if (envelope is null)
            throw new PlatformException(PlatformFailure.Malformed, $"The platform answered an empty body ({operation}).");
        availability.ReportSuccess(); // it answered with an envelope: reachable, whatever the business code says
        if (envelope.Code != PlatformCodes.Success)
        {
            logger.LogWarning("Platform rejected {Operation}: {Code} {Message}", operation, envelope.Code, envelope.Message);
            throw new PlatformException(
                envelope.Code == PlatformCodes.Unauthorized ? PlatformFailure.Unauthorized : PlatformFailure.Rejected,
                $"The platform rejected the request ({operation}): {envelope.Message}")
            {
                PlatformWords = $"{envelope.Code} {envelope.Message}".Trim(),
            };
        }
        return envelope.Data ?? throw new PlatformException(PlatformFailure.Malformed,
            $"The platform's answer has no data ({operation}).");
    }

    private PlatformException Fail(Exception ex, string operation)
    {
        var failure = PlatformErrors.Translate(ex, operation);
        availability.ReportFailure(failure.Failure);
        logger.LogWarning(ex, "Platform call {Operation} failed: {Failure} {Reason}", operation, failure.Failure, failure.Message);
        return failure;
    }
}
