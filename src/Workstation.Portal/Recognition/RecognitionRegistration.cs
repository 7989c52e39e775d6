namespace Workstation.Portal.Recognition;

/// <summary>The recognition feature registers itself; Hosting calls <see cref="AddRecognition"/>.</summary>
internal static class RecognitionRegistration
{
    /// <summary>Recognisable reports of an encounter, cached briefly in memory; what was listed and viewed, recorded behind the answer.</summary>
    public static IServiceCollection AddRecognition(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddMemoryCache();
        services.AddOptions<RecognitionOptions>().Bind(configuration.GetSection(RecognitionOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ReportViews>();
        services.AddTransient<RecognitionService>();
        return services;
    }
}
