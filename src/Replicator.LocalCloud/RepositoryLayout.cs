namespace Replicator.LocalCloud;

/// <summary>Finds the repository the local tools run from: the folder holding Replicator.slnx.</summary>
public static class RepositoryLayout
{
    public static string Root()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "Replicator.slnx")))
                {
                    return directory.FullName;
                }
            }
        }

        throw new DirectoryNotFoundException(
            $"No Replicator.slnx above '{Environment.CurrentDirectory}' or '{AppContext.BaseDirectory}': run from inside the repository.");
    }
}
