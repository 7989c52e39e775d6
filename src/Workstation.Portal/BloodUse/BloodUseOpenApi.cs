using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Workstation.Portal.BloodUse;

/// <summary>Describes the seed-001 security in the OpenAPI document: <c>/token</c> needs none (it takes the account),
/// <c>/blduseinfo</c> takes the token in the query string.</summary>
internal static class BloodUseOpenApi
{
    public const string TokenScheme = "BloodUseToken";

    public static void Configure(OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[TokenScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Query, Name = "token",
                Description = "The token from GET {BloodUse:PathBase}/token (seed 001), valid expires_in seconds.",
            };
            document.Tags ??= new HashSet<OpenApiTag>();
            document.Tags.Add(new OpenApiTag
            {
                Name = BloodUseEndpoints.Tag,
                Description = "The provincial blood-use fee reduction interface (用血减免, seed 001): the seed's envelope " +
                              "{ success, data, erroMessage }; failures are success=false with HTTP 200.",
            });
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            if (context.Description.ActionDescriptor.EndpointMetadata.OfType<IEndpointNameMetadata>().FirstOrDefault()?.EndpointName is not { } name)
                return Task.CompletedTask;
            if (name == "BloodUseToken") operation.Security = [];
            if (name == "BloodUseInfo")
                operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(TokenScheme, context.Document)] = [] }];
            return Task.CompletedTask;
        });
    }
}
