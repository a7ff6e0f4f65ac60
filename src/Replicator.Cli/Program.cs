using Replicator.Cli;

if (Console.IsOutputRedirected)
{
    // Keep tables readable when the output goes to a file or a CI log.
    Spectre.Console.AnsiConsole.Profile.Width = 160;
}

return await ReplicatorCommand.Create().Parse(args).InvokeAsync();
