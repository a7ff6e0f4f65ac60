# sam build runs `make build-<LogicalId>` with ARTIFACTS_DIR set (BuildMethod: makefile).
# Every function is the same Native AOT bootstrap; _HANDLER (the template's Handler) picks the function.
BOOTSTRAP_PROJECT := src/Replicator.Lambda/Replicator.Lambda.csproj

build-RelayFunction build-LagMonitorFunction build-FailoverDrainFunction build-FailoverVerifyFunction build-FailoverReportFunction build-CatalogSyncFunction build-ArchiveTransformFunction build-ReplayPlanFunction build-ReplayLaneFunction build-ReplayReportFunction:
	dotnet publish $(BOOTSTRAP_PROJECT) -c Release -r linux-x64 -o "$(ARTIFACTS_DIR)" -p:PublishAot=true -nologo
	rm -f "$(ARTIFACTS_DIR)"/*.dbg "$(ARTIFACTS_DIR)"/*.pdb

.PHONY: build-RelayFunction build-LagMonitorFunction build-FailoverDrainFunction build-FailoverVerifyFunction build-FailoverReportFunction build-CatalogSyncFunction build-ArchiveTransformFunction build-ReplayPlanFunction build-ReplayLaneFunction build-ReplayReportFunction
