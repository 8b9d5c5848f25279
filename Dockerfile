FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    LOG_JSON=true \
    WEBHOOK_HOST=0.0.0.0 \
    WEBHOOK_PORT=8080

WORKDIR /app
COPY pyproject.toml README.md ./
COPY app ./app
COPY bot ./bot
COPY handlers ./handlers
COPY domain ./domain
COPY rag ./rag
COPY providers ./providers
COPY doubles ./doubles
COPY db ./db
COPY migrations ./migrations
COPY alembic.ini run_bot.py ./
RUN pip install --no-cache-dir ".[postgres,redis]" && useradd --create-home shop
COPY data ./data
RUN mkdir -p /app/data && chown -R shop /app/data
USER shop

EXPOSE 8080
# Webhook mode serves /health; in polling mode run with --no-healthcheck.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
    CMD python -c "import os,sys,urllib.request; port=os.environ.get('WEBHOOK_PORT','8080'); sys.exit(0 if urllib.request.urlopen(f'http://127.0.0.1:{port}/health').status == 200 else 1)"
# Webhook by default; `docker run --no-healthcheck ... polling` for long polling.
ENTRYPOINT ["python", "run_bot.py"]
CMD ["webhook"]
