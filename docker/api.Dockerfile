# The market API. Build the app first (bin/mvn -DskipTests package -pl marketplace-api -am), then from the repo root:
#   docker build -f docker/api.Dockerfile -t learnware-market-api .
# With LEARNWARE_DB_URL unset the API starts its embedded PostgreSQL under /data (one container, no compose);
# compose.yaml runs it against a separate PostgreSQL instead.
FROM eclipse-temurin:25-jre
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
COPY marketplace-api/target/quarkus-app/ /opt/market/
# The container's own network is the boundary: listen on every interface. Health and metrics stay on the
# management interface (port 9000, loopback inside the container), which the health check reaches.
ENV LEARNWARE_DATA_DIR=/data \
    QUARKUS_HTTP_HOST=0.0.0.0 \
    JAVA_OPTS_APPEND="-XX:MaxRAMPercentage=75"
VOLUME /data
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=5 \
  CMD curl -fsS http://127.0.0.1:9000/q/health/ready || exit 1
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS_APPEND -jar /opt/market/quarkus-run.jar"]
