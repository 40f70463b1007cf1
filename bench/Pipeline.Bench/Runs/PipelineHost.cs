using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Core.Lake;
using Pipeline.Core.Packs;
using Pipeline.Storage;

namespace Pipeline.Bench.Runs;

/// <summary>
/// The pipeline's own services over a local-folder lake, wired as the CLI wires them (<see cref="PipelineServices.AddSurveyPipeline"/>,
/// options validated at start): the bench measures the production code path, not a copy of it. The pseudonymisation key
/// comes from the environment (<c>Pseudonymisation__Key</c>), set by the parent to a random key per bench run.
/// </summary>
internal static class PipelineHost
{
    public static async Task<IHost> StartAsync(string lakeFolder, string? packsFolder, CancellationToken cancellationToken)
    {
        var packs = await SurveyPackCatalog.LoadAsync(packsFolder ?? BenchPack.DefaultPacksFolder(), cancellationToken);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], ContentRootPath = Environment.CurrentDirectory });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var backend = LakeBackend.LocalFolder(lakeFolder);
        builder.Services.AddSurveyPipeline(builder.Configuration, packs, backend);
        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        await backend.EnsureCreatedAsync(host.Services.GetRequiredService<IOptions<LakeOptions>>().Value, cancellationToken);
        return host;
    }
}
