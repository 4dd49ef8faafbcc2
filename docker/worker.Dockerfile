# A CPU worker node. Build it first (bin/mvn -DskipTests package -pl worker -am: target/worker.jar and
# target/lib/, which include PyTorch's native CPU library, so nothing is downloaded at run time), then from
# the repo root:
#   docker build -f docker/worker.Dockerfile -t learnware-market-worker .
#   docker run -e LEARNWARE_SERVER=http://market:8080 -e LEARNWARE_WORKER_TOKEN=lww_... learnware-market-worker
# A GPU image would add CUDA natives for DJL, which Maven Central does not carry; see docs/jobs.md.
FROM eclipse-temurin:25-jre
# bubblewrap: every job runs in a sandbox of its own (docs/security.md); the container needs leave to make
# namespaces (see compose.yaml).
RUN apt-get update && apt-get install -y --no-install-recommends libgomp1 bubblewrap && rm -rf /var/lib/apt/lists/*
COPY worker/target/worker.jar /opt/worker/worker.jar
COPY worker/target/lib/ /opt/worker/lib/
ENV JAVA_OPTS_APPEND="-XX:MaxRAMPercentage=75" \
    XDG_CACHE_HOME=/cache
VOLUME /cache
# SIGTERM lets a running job finish for 30 s, then hands it back to the queue.
STOPSIGNAL SIGTERM
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS_APPEND -Dai.djl.offline=true -cp '/opt/worker/worker.jar:/opt/worker/lib/*' io.learnware.worker.runtime.WorkerMain --device cpu \"$@\"", "worker"]
