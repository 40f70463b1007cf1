using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using Pipeline.Core.Packs;
using Pipeline.Storage;

// The Functions host: load the survey packs (a bad pack stops start-up with its file and line), wire the core over Azure
// Storage, and let the triggers call it.
var builder = FunctionsApplication.CreateBuilder(args);
var packsPath = builder.Configuration["Pipeline:SurveyPacksPath"] is { Length: > 0 } configured
    ? configured
    : Path.Combine(AppContext.BaseDirectory, "survey-packs");
var packs = await SurveyPackCatalog.LoadAsync(packsPath);
builder.Services.AddSurveyPipeline(builder.Configuration, packs, LakeBackend.AzureFromConfiguration(builder.Configuration));
await builder.Build().RunAsync();
