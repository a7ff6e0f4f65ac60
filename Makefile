# sam build runs `make --makefile <this file> build-<LogicalId>` with ARTIFACTS_DIR set (BuildMethod: makefile),
# once per function, several at once with parallel = true, and by default in a scratch copy of the source:
# so every path below is anchored to this file's directory, never to the working directory.
# Every function is the same Native AOT bootstrap; _HANDLER (the template's Handler) picks the function.
# It is published once into BOOTSTRAP_BUILD_DIR, under a lock, and each function copies it.
MAKEFILE := $(abspath $(lastword $(MAKEFILE_LIST)))
ROOT := $(patsubst %/,%,$(dir $(MAKEFILE)))
BOOTSTRAP_PROJECT := $(ROOT)/src/Replicator.Lambda/Replicator.Lambda.csproj
FUNCTIONS := LagMonitorFunction FailoverClaimFunction FailoverDnsFunction FailoverDrainFunction FailoverVerifyFunction FailoverReportFunction FailoverConsumersFunction FailoverRecoverFunction CatalogSyncFunction \
	ArchiveTransformFunction ReplayPlanFunction ReplayLaneFunction ReplayReportFunction

# The publish output, the stamp dating it, the list of sources it came from and the lock (tests point it elsewhere).
BOOTSTRAP_BUILD_DIR ?= $(ROOT)/.build/bootstrap
BOOTSTRAP_OUT := $(BOOTSTRAP_BUILD_DIR)/publish
BOOTSTRAP_STAMP := $(BOOTSTRAP_BUILD_DIR)/stamp
BOOTSTRAP_SOURCE_LIST := $(BOOTSTRAP_BUILD_DIR)/sources
BOOTSTRAP_SOURCES := $(sort $(shell find "$(ROOT)/src" \( -name bin -o -name obj \) -prune -o -type f \
	\( -name '*.cs' -o -name '*.csproj' -o -name 'Directory.*.props' \) -print)) \
	$(wildcard $(ROOT)/Directory.*.props) $(MAKEFILE)

ifeq ($(BOOTSTRAP_LOCKED),1)
# Under the lock only: a file added or deleted rewrites the list, so it republishes too (a deletion leaves no newer mtime).
$(shell printf '%s\n' $(BOOTSTRAP_SOURCES) > "$(BOOTSTRAP_SOURCE_LIST).new" && \
	{ cmp -s "$(BOOTSTRAP_SOURCE_LIST).new" "$(BOOTSTRAP_SOURCE_LIST)" && rm -f "$(BOOTSTRAP_SOURCE_LIST).new" || \
	mv -f "$(BOOTSTRAP_SOURCE_LIST).new" "$(BOOTSTRAP_SOURCE_LIST)"; })
endif

# Separate make processes (SAM's parallel build) do not share a dependency graph: flock lets one publish while the
# others wait, then each finds the stamp fresh and only copies. The + runs that line even under make -n.
define bootstrap-into-artifacts
	$(if $(ARTIFACTS_DIR),,$(error ARTIFACTS_DIR is not set; sam build sets it))
	+mkdir -p "$(BOOTSTRAP_BUILD_DIR)" && flock "$(BOOTSTRAP_BUILD_DIR)/lock" $(MAKE) --no-print-directory -f "$(MAKEFILE)" BOOTSTRAP_LOCKED=1 copy-bootstrap
endef

# One relay per target region: the template's Fn::ForEach names them RelayTo<region>, e.g. RelayTouseast2.
build-RelayTo%:
	$(bootstrap-into-artifacts)

$(addprefix build-,$(FUNCTIONS)):
	$(bootstrap-into-artifacts)

# The stamp is touched before the publish and moved into place after it succeeds: a source edited meanwhile stays newer.
$(BOOTSTRAP_STAMP): $(BOOTSTRAP_SOURCES) $(BOOTSTRAP_SOURCE_LIST)
	touch "$@.new"
	rm -rf "$(BOOTSTRAP_OUT)"
	dotnet publish "$(BOOTSTRAP_PROJECT)" -c Release -r linux-x64 -o "$(BOOTSTRAP_OUT)" -p:PublishAot=true -nologo
	rm -f "$(BOOTSTRAP_OUT)"/*.dbg "$(BOOTSTRAP_OUT)"/*.pdb
	mv -f "$@.new" "$@"

$(BOOTSTRAP_SOURCE_LIST): ;

# Run by bootstrap-into-artifacts, under the lock.
copy-bootstrap: $(BOOTSTRAP_STAMP)
	mkdir -p "$(ARTIFACTS_DIR)"
	cp -p "$(BOOTSTRAP_OUT)"/* "$(ARTIFACTS_DIR)"/
	rm -f "$(ARTIFACTS_DIR)"/*.dbg "$(ARTIFACTS_DIR)"/*.pdb

.PHONY: $(addprefix build-,$(FUNCTIONS)) copy-bootstrap
