using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Workstation.Platform;
using Workstation.Platform.Contract;
using Workstation.Portal.Operations;

namespace Workstation.ComponentTests;

public sealed class PlatformStatusCardTests : PortalTestContext
{
    private readonly FakePlatform _platform = new();

    public PlatformStatusCardTests()
    {
        Services.AddSingleton<IRecognitionPlatform>(_platform);
        Services.AddSingleton(TimeProvider.System);
        Services.AddSingleton<PlatformStatus>();
    }

    [Fact]
    public void Shows_connected_when_the_platform_answers()
    {
        var cut = Show<PlatformStatusCard>();

        cut.WaitForAssertion(() => Assert.Contains("已连接", cut.Find("[data-state=online]").TextContent));
    }

    [Fact]
    public void Shows_unavailable_with_a_plain_reason_and_recovers_on_recheck()
    {
        _platform.Failure = new PlatformException(PlatformFailure.Unavailable, "503");
        var cut = Show<PlatformStatusCard>();

        cut.WaitForAssertion(() =>
        {
            Assert.Contains("不可用", cut.Find("[data-state=offline]").TextContent);
            Assert.Contains("互认平台暂时无法访问", cut.Find("[data-testid=platform-reason]").TextContent);
        });

        _platform.Failure = null;
        cut.FindAll("button").Single(b => b.TextContent.Contains("重新检查")).Click();

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-state=online]")));
        Assert.Empty(cut.FindAll("[data-testid=platform-reason]"));
    }

    private sealed class FakePlatform : IRecognitionPlatform
    {
        public PlatformException? Failure { get; set; }

        public Task ProbeAsync(CancellationToken cancellationToken) => Failure is null ? Task.CompletedTask : Task.FromException(Failure);

        public Task<RecognitionListData> ListAsync(PatientIdentity patient, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<IReadOnlyList<RecognisableReport>> QueryAsync(PreciseQueryRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<IReadOnlyList<OrderCheckResult>> CheckOrderAsync(PatientIdentity patient, IReadOnlyList<OrderCheckItem> items, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<ReportDetail> GetReportAsync(string reportId, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<byte[]> GetReportPdfAsync(string reportId, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<UploadReceipt> UploadPatientAsync(PatientUpload upload, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<UploadReceipt> UploadDepartmentAsync(DepartmentUpload upload, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<UploadReceipt> UploadStaffAsync(StaffUpload upload, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<UploadReceipt> UploadLabAsync(LabReportUpload upload, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<UploadReceipt> UploadExamAsync(ExamReportUpload upload, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<UploadReceipt> UploadPdfAsync(string kind, ReportPdfUpload upload, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<UploadReceipt> RevokeAsync(string kind, ReportRevocation revocation, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
