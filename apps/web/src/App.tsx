import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useSyncExternalStore } from 'react';
import { storedApiKey, subscribeToSession } from './api/session';
import { Layout } from './Layout';
import { Routes } from './Routes';
import { SignInPage } from './SignInPage';

export function App() {
  const apiKey = useSyncExternalStore(subscribeToSession, storedApiKey);
  const queryClient = useQueryClient();
  useEffect(() => {
    // Nothing of one tenant stays on screen (or in memory) after signing out.
    if (!apiKey) queryClient.clear();
  }, [apiKey, queryClient]);

  if (!apiKey) return <SignInPage />;
  return (
    <Layout>
      <Routes />
    </Layout>
  );
}
