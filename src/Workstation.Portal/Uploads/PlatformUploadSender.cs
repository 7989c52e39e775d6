using System.Text.Json;
using Workstation.Platform;
using Workstation.Platform.Contract;
using Workstation.Portal.Outbox;
using Workstation.Portal.Reports;

namespace Workstation.Portal.Uploads;

/// <summary>Delivers upload messages to the platform. A business refusal (a field the platform does not accept) is
/// final and dead-lettered with the platform's words; an outage is retried. Either is kept as an <see cref="UploadFailure"/>.</summary>
internal sealed class PlatformUploadSender(IRecognitionPlatform platform, UploadStatusView uploads, ReportPreviewService renderer) : IOutboxSender
{
    public string Destination => UploadMessages.Destination;

    public async Task<OutboxOutcome> SendAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        try
        {
            switch (message.Type)
            {
                case UploadMessages.Patient:
                    await platform.UploadPatientAsync(Read<PatientUpload>(message), cancellationToken);
                    break;
                case UploadMessages.LabData:
                    await platform.UploadLabAsync(Read<LabReportUpload>(message), cancellationToken);
                    break;
                case UploadMessages.ExamData:
                    await platform.UploadExamAsync(Read<ExamReportUpload>(message), cancellationToken);
                    break;
                case UploadMessages.LabPdf or UploadMessages.ExamPdf:
                    var number = JsonDocument.Parse(message.PayloadJson).RootElement.GetProperty("reportNumber").GetString()!;
                    if (await uploads.FindReportAsync(number, cancellationToken) is not { } report)
                        return OutboxOutcome.Reject(UploadFailure.Encode(new UploadFailure(UploadFailure.Internal, null, $"report {number} is no longer stored")));
                    var pdf = renderer.Pdf(report);
                    await platform.UploadPdfAsync(report.IsLab ? ReportKinds.Lab : ReportKinds.Exam,
                        new ReportPdfUpload(number, Convert.ToBase64String(pdf)), cancellationToken);
                    break;
                case UploadMessages.RevokeExam:
                    await platform.RevokeAsync(ReportKinds.Exam, Read<ReportRevocation>(message), cancellationToken);
                    break;
                case MasterDataSync.Types.Patient:
                    await platform.UploadPatientAsync(Read<PatientUpload>(message), cancellationToken);
                    break;
                case MasterDataSync.Types.Department:
                    await platform.UploadDepartmentAsync(Read<DepartmentUpload>(message), cancellationToken);
                    break;
                case MasterDataSync.Types.Staff:
                    await platform.UploadStaffAsync(Read<StaffUpload>(message), cancellationToken);
                    break;
                case UploadMessages.Revoke:
                    await platform.RevokeAsync(ReportKinds.Lab, Read<ReportRevocation>(message), cancellationToken);
                    break;
                default:
                    return OutboxOutcome.Reject(UploadFailure.Encode(new UploadFailure(UploadFailure.Internal, null, $"unknown upload type '{message.Type}'")));
            }
            return OutboxOutcome.Ok;
        }
        catch (PlatformException ex) when (ex.Failure == PlatformFailure.Rejected)
        {
            return OutboxOutcome.Reject(UploadFailure.Encode(ex)); // the platform's words, verbatim
        }
        catch (PlatformException ex)
        {
            return OutboxOutcome.Retry(UploadFailure.Encode(ex));
        }
    }

    private static T Read<T>(OutboxMessage message) => JsonSerializer.Deserialize<T>(message.PayloadJson)!;
}
