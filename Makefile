# sam build runs `make build-<LogicalId>` with ARTIFACTS_DIR set (BuildMethod: makefile).
# Every function is the same Native AOT bootstrap; _HANDLER (the template's Handler) picks the function.
BOOTSTRAP_PROJECT := src/Replicator.Lambda/Replicator.Lambda.csproj
FUNCTIONS := LagMonitorFunction FailoverDrainFunction FailoverVerifyFunction FailoverReportFunction CatalogSyncFunction \
	ArchiveTransformFunction ReplayPlanFunction ReplayLaneFunction ReplayReportFunction

define publish-bootstrap
	dotnet publish $(BOOTSTRAP_PROJECT) -c Release -r linux-x64 -o "$(ARTIFACTS_DIR)" -p:PublishAot=true -nologo
	rm -f "$(ARTIFACTS_DIR)"/*.dbg "$(ARTIFACTS_DIR)"/*.pdb
endef

# One relay per target region: the template's Fn::ForEach names them RelayTo<region>, e.g. RelayTouseast2.
build-RelayTo%:
	$(publish-bootstrap)

$(addprefix build-,$(FUNCTIONS)):
	$(publish-bootstrap)

.PHONY: $(addprefix build-,$(FUNCTIONS))
