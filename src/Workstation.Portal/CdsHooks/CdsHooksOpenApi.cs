using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Workstation.Portal.Hosting;

namespace Workstation.Portal.CdsHooks;

/// <summary>The CDS Hooks and FHIR operations in the OpenAPI document: the client JWT scheme (and the HIS API key for FHIR).</summary>
internal static class CdsHooksOpenApi
{
    public const string ClientJwtScheme = "CdsClientJwt";

    public static void Configure(OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[ClientJwtScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http, Scheme = "bearer", BearerFormat = "JWT",
                Description = "CDS Hooks 2.0 client JWT: ES384 or RS384 (ES256 / RS256 accepted), kid and jti required, iss a registered " +
                              "client, jku only that client's JWK Set URL, aud the exact URL called (the FHIR API: its base URL), at most " +
                              "5 minutes between iat and exp, each jti once. See docs/cds-hooks.md.",
            };
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            var path = context.Description.RelativePath ?? "";
            if (path.StartsWith("cds-services", StringComparison.Ordinal))
            {
                operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ClientJwtScheme, context.Document)] = [] }];
            }
            else if (path.StartsWith("fhir/r4", StringComparison.Ordinal))
            {
                operation.Security = path == "fhir/r4/metadata"
                    ? [new OpenApiSecurityRequirement()] // the CapabilityStatement is public
                    :
                    [
                        new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ClientJwtScheme, context.Document)] = [] },
                        new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(OpenApiContract.HisApiKeyScheme, context.Document)] = [] },
                    ];
            }
            return Task.CompletedTask;
        });
    }
}
