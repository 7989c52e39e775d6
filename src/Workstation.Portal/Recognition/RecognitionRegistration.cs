namespace Workstation.Portal.Recognition;

/// <summary>The recognition feature registers itself; Hosting calls <see cref="AddRecognition"/>.</summary>
public static class RecognitionRegistration
{
    /// <summary>Recognisable reports of an encounter, cached briefly in memory.</summary>
    public static IServiceCollection AddRecognition(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddMemoryCache();
        services.AddTransient<RecognitionService>();
        return services;
    }
}
